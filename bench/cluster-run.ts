// The cluster benchmark: 3 server processes on one PostgreSQL schema, 4 workers between them, one job per
// namespace (namespaces spread over the servers), instant commands. Hosts/s over the whole run, and the delay
// from a host finishing to the next host of its job starting (p50/p99), from the stored events.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { NodeCommand } from './cluster-node.ts';

export interface ClusterResult {
  readonly layout: ClusterLayout;
  readonly servers: number;
  readonly workers: number;
  readonly hosts: number;
  readonly jobs: number;
  readonly maxParallel: string;
  readonly runMs: number;
  readonly hostsPerS: number;
  readonly p50DelayMs: number;
  readonly p99DelayMs: number;
  readonly cpuMsPerHost: number;
  /** Hosts started by each server (how the namespaces spread), and tasks its workers ran for other servers' jobs. */
  readonly startsPerServer: string;
  readonly peakRssMb: number;
  readonly states: string;
}

const NODE = fileURLToPath(new URL('./cluster-node.ts', import.meta.url));

interface Node {
  readonly child: ChildProcess;
  readonly messages: Record<string, unknown>[];
}

function next(n: Node, kind: string, timeoutMs = 120_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${kind} from a cluster node`)), timeoutMs);
    const check = (): void => {
      const i = n.messages.findIndex((m) => m.kind === kind || m.kind === 'error');
      if (i < 0) return;
      const [m] = n.messages.splice(i, 1);
      clearTimeout(t);
      n.child.off('message', check);
      if (m?.kind === 'error') reject(new Error(String(m.message)));
      else resolve(m as Record<string, unknown>);
    };
    n.child.on('message', check);
    check();
  });
}

/**
 * Where the workers are and which server the jobs go to: `spread` gives each server workers and submits to
 * each in turn (namespaces spread over the servers); `relay` gives the first server none and submits every
 * job to it, so every task runs on another server's worker, through the store.
 */
export type ClusterLayout = 'spread' | 'relay';

const LAYOUTS: Record<ClusterLayout, { readonly workersOf: readonly number[]; readonly submitTo?: number }> =
  {
    spread: { workersOf: [2, 1, 1] },
    relay: { workersOf: [0, 2, 2], submitTo: 0 },
  };

export async function clusterThroughput(
  url: string,
  hosts: number,
  jobs = 6,
  capacity = 1000,
  maxParallel?: string,
  layout: ClusterLayout = 'spread',
): Promise<ClusterResult> {
  const schema = `pogo_bench_cluster_${randomBytes(4).toString('hex')}`;
  const { workersOf, submitTo } = LAYOUTS[layout];
  const nodes: Node[] = workersOf.map((workers, i) => {
    const child = fork(NODE, [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        PG_URL: url,
        PG_SCHEMA: schema,
        NODE_NAME: `bench-s${i + 1}`,
        NODE_WORKERS: String(workers),
        NODE_CAPACITY: String(capacity),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const n: Node = { child, messages: [] };
    child.on('message', (m: Record<string, unknown>) => n.messages.push(m));
    return n;
  });
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    // The first node migrates; the others wait on the advisory lock.
    for (const n of nodes) await next(n, 'ready');
    const per = Math.floor(hosts / jobs);
    const width = String(per).length;
    const t0 = performance.now();
    const ids: string[] = [];
    for (let j = 0; j < jobs; j++) {
      const n = nodes[submitTo ?? j % nodes.length] as Node;
      n.child.send({
        kind: 'submit',
        namespace: `ns${j}`,
        targets: `j${j}-[${'1'.padStart(width, '0')}-${per}]`,
        maxParallel,
      } satisfies NodeCommand);
      ids.push(String((await next(n, 'submitted')).id));
    }
    for (;;) {
      const r = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${schema}.jobs WHERE state NOT IN ('succeeded', 'failed', 'halted')`,
      );
      if (r.rows[0]?.n === 0) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    const runMs = performance.now() - t0;
    // Worker-side times from the host rows: each start after the first wave waited for the latest finish
    // before it in its job (the result travelling to the owner, the decision, the commit, the task back).
    const delays: number[] = [];
    for (const id of ids) {
      const rows = await db.query<{ s: number; e: number }>(
        `SELECT started_at::float8 AS s, ended_at::float8 AS e FROM ${schema}.hosts WHERE job_id = $1`,
        [id],
      );
      const ends = rows.rows.map((r) => r.e).sort((a, b) => a - b);
      const starts = rows.rows.map((r) => r.s).sort((a, b) => a - b);
      let k = -1;
      for (const st of starts) {
        while (k + 1 < ends.length && (ends[k + 1] as number) <= st) k++;
        if (k >= 0) delays.push(st - (ends[k] as number));
      }
    }
    delays.sort((a, b) => a - b);
    const q = (p: number): number => delays[Math.min(delays.length - 1, Math.floor(p * delays.length))] ?? 0;
    const states = await db.query<{ state: string; n: number }>(
      `SELECT state, count(*)::int AS n FROM ${schema}.jobs GROUP BY state`,
    );
    let cpuMs = 0;
    let peakRssMb = 0;
    const starts: string[] = [];
    for (const n of nodes) {
      n.child.send({ kind: 'stop' } satisfies NodeCommand);
      const m = await next(n, 'stopped');
      cpuMs += Number(m.cpuMs);
      peakRssMb = Math.max(peakRssMb, Number(m.rssMb));
      starts.push(`${Number(m.starts)} started, ${Number(m.carried)} run for others`);
    }
    return {
      layout,
      servers: nodes.length,
      workers: workersOf.reduce((a, b) => a + b, 0),
      hosts: per * jobs,
      jobs,
      maxParallel: maxParallel ?? 'none',
      runMs,
      hostsPerS: (per * jobs * 1000) / runMs,
      p50DelayMs: q(0.5),
      p99DelayMs: q(0.99),
      cpuMsPerHost: cpuMs / (per * jobs),
      startsPerServer: starts.join(' / '),
      peakRssMb,
      states: states.rows.map((r) => `${r.n} ${r.state}`).join(', '),
    };
  } finally {
    for (const n of nodes) if (n.child.exitCode === null) n.child.kill('SIGKILL');
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await db.end();
  }
}
