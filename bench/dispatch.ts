// Dispatcher benchmark: hosts finished per second and CPU per host on SQLite, and job-status API latency under load.
// Usage: npm run bench:dispatch  (env: HOSTS=100000 LOCAL_HOSTS=5000 JOBS=10 JOB_HOSTS=1000 CLIENTS=16
//        CLUSTER_HOSTS=100000 CLUSTER_MAX_PARALLEL=25 CLUSTER_CAPACITY=1000 for the 3-server row
//        PG_URL=postgres://postgres@127.0.0.1:5432/test for the PostgreSQL row; PG_URL=off skips it)
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Dispatcher, ServerService, connectInProcess } from '../src/dispatcher/index.ts';
import type { Actor, JobRecord } from '../src/model/index.ts';
import { isTerminalJobState } from '../src/model/index.ts';
import { openPostgresStore, openSqliteStore } from '../src/store/index.ts';
import type { Store } from '../src/store/index.ts';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Transport } from '../src/transport/index.ts';
import { createLocalTransport } from '../src/transport/index.ts';
import { WorkerAgent } from '../src/worker/index.ts';
import { instantTransport } from './instant-transport.ts';
import { loadStatus } from './status-load.ts';
import type { ClusterResult } from './cluster-run.ts';
import { clusterThroughput } from './cluster-run.ts';

const HOSTS = Number(process.env.HOSTS ?? 100_000);
const LOCAL_HOSTS = Number(process.env.LOCAL_HOSTS ?? 5_000);
const JOBS = Number(process.env.JOBS ?? 10);
const JOB_HOSTS = Number(process.env.JOB_HOSTS ?? 1_000);
const CLIENTS = Number(process.env.CLIENTS ?? 16);
const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TARGET_HOSTS_PER_S = 5_000;
const TARGET_P99_MS = 100;
const CLUSTER_HOSTS = Number(process.env.CLUSTER_HOSTS ?? 100_000);
const TARGET_CLUSTER_HOSTS_PER_S = 3_000;
/** Hosts of the relay run (every task through the store to another server's worker). */
const RELAY_HOSTS = Number(process.env.RELAY_HOSTS ?? 20_000);
const POGO = fileURLToPath(new URL('../bin/pogo.js', import.meta.url));
const ADMIN: Actor = { user: 'bench', role: 'admin', remote: 'bench' };

/** One throughput run (printed by the child as JSON). */
interface Throughput {
  readonly store: 'sqlite' | 'postgres';
  readonly transport: string;
  readonly hosts: number;
  readonly capacity: number;
  readonly submitMs: number;
  readonly runMs: number;
  readonly hostsPerS: number;
  readonly cpuMsPerHost: number;
  readonly rssMb: number;
  readonly state: string;
}

/** A dispatcher on a fresh SQLite file with an embedded worker using `transport`. */
async function startSystem(transport: Transport, capacity: number, kind: 'sqlite' | 'postgres' = 'sqlite') {
  const dir = mkdtempSync(join(tmpdir(), 'pogo-bench-dispatch-'));
  const schema = `pogo_bench_${randomBytes(4).toString('hex')}`;
  const store: Store =
    kind === 'sqlite' ? openSqliteStore(join(dir, 'pogo.db')) : openPostgresStore({ url: PG_URL, schema });
  await store.migrate();
  const dispatcher = new Dispatcher({ store, name: 'bench', baseDir: dir });
  await dispatcher.start();
  const service = new ServerService(store, dispatcher);
  const agent = new WorkerAgent({
    name: 'bench-worker',
    capacity,
    transport,
    targetOf: (host) => ({ host }),
  });
  const link = connectInProcess(agent, dispatcher, { dispatcherName: 'bench' });
  const stop = async (): Promise<void> => {
    await agent.stop({ force: true });
    link.close();
    await dispatcher.stop();
    await store.close();
    await transport.close();
    rmSync(dir, { recursive: true, force: true });
    if (kind === 'postgres') await dropSchema(schema);
  };
  return { service, dispatcher, stop };
}

async function waitEnd(service: ServerService, ids: readonly string[]): Promise<JobRecord[]> {
  for (;;) {
    const jobs = await Promise.all(ids.map((id) => service.getJob(id)));
    if (jobs.every((j) => isTerminalJobState(j.state) && !j.live)) return jobs;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Drop a benchmark schema (PostgreSQL). */
async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}

async function throughput(
  kind: 'instant' | 'local',
  hosts: number,
  storeKind: 'sqlite' | 'postgres' = 'sqlite',
): Promise<Throughput> {
  const capacity = kind === 'instant' ? 2_000 : 100;
  const transport = kind === 'instant' ? instantTransport() : createLocalTransport();
  const sys = await startSystem(transport, capacity, storeKind);
  const width = String(hosts).length;
  const targets = `h[${'1'.padStart(width, '0')}-${hosts}]`;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const job = await sys.service.submitJob(
    { targets, command: 'true', hooks: { pre: false, post: false } },
    ADMIN,
  );
  const t1 = performance.now();
  const [end] = await waitEnd(sys.service, [job.id]);
  const t2 = performance.now();
  const used = process.cpuUsage(cpu);
  await sys.stop();
  return {
    store: storeKind,
    transport: kind,
    hosts,
    capacity,
    submitMs: t1 - t0,
    runMs: t2 - t1,
    hostsPerS: (hosts * 1000) / (t2 - t1),
    cpuMsPerHost: (used.user + used.system) / 1000 / hosts,
    rssMb: process.resourceUsage().maxRSS / 1024,
    state: end?.state ?? '?',
  };
}

/**
 * 10 concurrent jobs of 1,000 hosts while clients poll job status over HTTP. The server is a real `pogo server`
 * process with no embedded worker; two `pogo worker` processes run the commands with the `local` transport
 * (process spawns block an event loop, so they stay out of the server's, as in a real deployment).
 */
async function latency(): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'pogo-bench-latency-'));
  const env = { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, 'config') };
  const pogo = (args: string[]): ChildProcess =>
    spawn(process.execPath, [POGO, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const server = pogo([
    'server',
    '--data',
    join(dir, 'data'),
    '--listen',
    '127.0.0.1:0',
    '--worker-listen',
    '127.0.0.1:0',
    '--no-worker',
    '--insecure-loopback',
  ]);
  const banner = await waitLine(server, /worker port ws:\/\/127\.0\.0\.1:(\d+)/);
  const url = /API (http:\/\/\S+)/.exec(banner)?.[1] as string;
  const port = /worker port ws:\/\/127\.0\.0\.1:(\d+)/.exec(banner)?.[1] as string;
  const token = readFileSync(join(dir, 'data', 'admin.token'), 'utf8').trim();
  const workers = [1, 2].map((n) =>
    pogo([
      'worker',
      '--server',
      `ws://127.0.0.1:${port}`,
      '--insecure-loopback',
      '--name',
      `w${n}`,
      '--capacity',
      '100',
      '--transport',
      'local',
    ]),
  );
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  for (;;) {
    const w = (await call('GET', '/v1/workers')) as { items: unknown[] };
    if (w.items.length === 2) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const ids: string[] = [];
  for (let i = 0; i < JOBS; i++) {
    const job = (await call('POST', '/v1/jobs', {
      targets: `j${i}-h[0001-${JOB_HOSTS}]`,
      command: 'true',
      hooks: { pre: false, post: false },
    })) as JobRecord;
    ids.push(job.id);
  }
  const t0 = performance.now();
  const done = (async () => {
    for (;;) {
      const jobs = (await Promise.all(ids.map((id) => call('GET', `/v1/jobs/${id}`)))) as JobRecord[];
      if (jobs.every((j) => isTerminalJobState(j.state))) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  const load = await loadStatus(url, token, ids, CLIENTS, done);
  const runMs = performance.now() - t0;
  for (const p of [...workers, server]) p.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  return { ...load, jobs: JOBS, jobHosts: JOB_HOSTS, clients: CLIENTS, runS: (runMs / 1000).toFixed(1) };
}

/** Resolve with the process's output so far once it matches `re`. */
function waitLine(p: ChildProcess, re: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const on = (d: Buffer): void => {
      text += d.toString();
      if (re.test(text)) resolve(text);
    };
    p.stdout?.on('data', on);
    p.stderr?.on('data', on);
    p.on('exit', () => reject(new Error(`pogo exited: ${text}`)));
  });
}

function child(mode: string): unknown {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', mode],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 << 20 },
  );
  if (r.status !== 0) throw new Error(`bench child ${mode} failed (${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) as string);
}

const fmt = (n: number, d = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    const mode = args[1];
    const out =
      mode === 'instant'
        ? await throughput('instant', HOSTS)
        : mode === 'instant-pg'
          ? await throughput('instant', HOSTS, 'postgres')
          : mode === 'local'
            ? await throughput('local', LOCAL_HOSTS)
            : mode === 'cluster-pg' || mode === 'cluster-relay'
              ? await clusterThroughput(
                  PG_URL,
                  mode === 'cluster-pg' ? CLUSTER_HOSTS : RELAY_HOSTS,
                  6,
                  Number(process.env.CLUSTER_CAPACITY ?? 1000),
                  process.env.CLUSTER_MAX_PARALLEL ?? '25',
                  mode === 'cluster-pg' ? 'spread' : 'relay',
                )
              : await latency();
    process.stdout.write(JSON.stringify(out) + '\n');
    return;
  }
  const runs = [child('instant') as Throughput, child('local') as Throughput];
  if (PG_URL !== 'off') runs.push(child('instant-pg') as Throughput);
  process.stdout.write(
    '\nDispatcher throughput (one server, one job, embedded worker in the same process; SQLite file or PostgreSQL on loopback)\n\n',
  );
  process.stdout.write(
    '| store | transport | hosts | worker capacity | submit (plan + store) | run | hosts/s | CPU ms/host | peak RSS | end |\n',
  );
  process.stdout.write('|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n');
  for (const r of runs) {
    process.stdout.write(
      `| ${r.store} | ${r.transport} | ${fmt(r.hosts)} | ${fmt(r.capacity)} | ${fmt(r.submitMs)} ms | ${fmt(r.runMs / 1000, 1)} s | ${fmt(r.hostsPerS)} | ${fmt(r.cpuMsPerHost, 3)} | ${fmt(r.rssMb)} MB | ${r.state} |\n`,
    );
  }
  process.stdout.write("\nCPU ms/host counts Pogo's process only; PostgreSQL's own CPU is not in it.\n");
  const instant = runs[0] as Throughput;
  process.stdout.write(
    `\ntarget ≥ ${fmt(TARGET_HOSTS_PER_S)} hosts/s with instant commands: ${fmt(instant.hostsPerS)} hosts/s (${fmt(instant.hostsPerS / TARGET_HOSTS_PER_S, 2)}× the target) ${instant.hostsPerS >= TARGET_HOSTS_PER_S ? 'MET' : 'NOT MET'}\n`,
  );
  if (PG_URL !== 'off')
    printCluster([child('cluster-pg') as ClusterResult, child('cluster-relay') as ClusterResult]);
  const lat = child('latency') as Record<string, number | string>;
  process.stdout.write(
    `\nJob-status API latency: \`pogo server\` (SQLite) + 2 \`pogo worker\` (local transport, \`true\`), ${lat.jobs} concurrent jobs × ${lat.jobHosts} hosts, ${lat.clients} keep-alive clients on loopback, GET /v1/jobs/:id\n\n`,
  );
  process.stdout.write(
    '| requests | req/s | p50 | p90 | p99 | max | errors | jobs ran for |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n',
  );
  process.stdout.write(
    `| ${fmt(Number(lat.requests))} | ${fmt(Number(lat.rps))} | ${fmt(Number(lat.p50), 1)} ms | ${fmt(Number(lat.p90), 1)} ms | ${fmt(Number(lat.p99), 1)} ms | ${fmt(Number(lat.max), 1)} ms | ${lat.errors} | ${lat.runS} s |\n`,
  );
  const p99 = Number(lat.p99);
  process.stdout.write(
    `\ntarget p99 < ${TARGET_P99_MS} ms: ${fmt(p99, 1)} ms ${p99 < TARGET_P99_MS ? 'MET' : 'NOT MET'}\n`,
  );
}

function printCluster(runs: readonly ClusterResult[]): void {
  const [c] = runs;
  if (!c) return;
  process.stdout.write(
    `\nSeveral servers on one PostgreSQL: ${c.servers} server processes, ${c.workers} workers (in-process, instant commands), ${c.jobs} jobs in ${c.jobs} namespaces, max_parallel ${c.maxParallel} each; finish → next start from the workers' host times. spread: every server has workers and gets jobs; relay: the server that drives every job has no worker, so each task goes through the store to another server's worker\n\n`,
  );
  process.stdout.write(
    '| layout | hosts | run | hosts/s | finish → next start p50 | p99 | CPU ms/host (all servers) | peak RSS (one server) | hosts started per server | jobs |\n|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n',
  );
  for (const r of runs) {
    process.stdout.write(
      `| ${r.layout} | ${fmt(r.hosts)} | ${fmt(r.runMs / 1000, 1)} s | ${fmt(r.hostsPerS)} | ${fmt(r.p50DelayMs, 1)} ms | ${fmt(r.p99DelayMs, 1)} ms | ${fmt(r.cpuMsPerHost, 3)} | ${fmt(r.peakRssMb)} MB | ${r.startsPerServer} | ${r.states} |\n`,
    );
  }
  process.stdout.write(
    `\ntarget (spread) ≥ ${fmt(TARGET_CLUSTER_HOSTS_PER_S)} hosts/s: ${fmt(c.hostsPerS)} ${c.hostsPerS >= TARGET_CLUSTER_HOSTS_PER_S ? 'MET' : 'NOT MET'}; target p99 finish → next start < ${TARGET_P99_MS} ms: ${fmt(c.p99DelayMs, 1)} ms ${c.p99DelayMs < TARGET_P99_MS ? 'MET' : 'NOT MET'}\n`,
  );
}

await main();
