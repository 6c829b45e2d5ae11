// The relay on a real PostgreSQL: tasks of one server's jobs run by another server's workers, with hand-driven
// worker channels: offers within the others' room, exclusive claims, results through the store, moves, losses.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, JobRecord } from '../model/index.ts';
import { adminQuery, dropSchema, ensurePostgres, PG_URL, randomSchema } from '../../test/support/postgres.ts';
import type { Store } from '../store/index.ts';
import { openPostgresStore } from '../store/index.ts';
import type { CancelMessage, DispatcherMessage, TaskMessage } from '../worker/index.ts';
import { channel, hello, result, tasks } from '../../test/support/worker-channels.ts';
import type { RecordingChannel } from '../../test/support/worker-channels.ts';
import { Dispatcher } from './dispatcher.ts';
import { ServerService } from './server-service.ts';

const ADMIN: Actor = { user: 'alice', role: 'admin', remote: 'test' };
const opened: { dispatcher: Dispatcher; store: Store }[] = [];
const schemas: string[] = [];

beforeAll(async () => {
  await ensurePostgres();
});

afterEach(async () => {
  for (const o of opened.splice(0)) {
    await o.dispatcher.stop();
    await o.store.close();
  }
  for (const s of schemas.splice(0)) await dropSchema(s);
});

interface Server {
  readonly dispatcher: Dispatcher;
  readonly service: ServerService;
  readonly store: Store;
}

/** A fresh schema shared by the servers a test starts with `server`. */
function cluster(): {
  schema: string;
  server: (name: string, graceMs?: number, baseDir?: string) => Promise<Server>;
} {
  const schema = randomSchema('pogo_relay');
  schemas.push(schema);
  return {
    schema,
    server: async (name, graceMs = 60_000, baseDir = '/tmp') => {
      const store = openPostgresStore({ url: PG_URL, schema, poolSize: 4 });
      await store.migrate();
      const dispatcher = new Dispatcher({
        store,
        name,
        baseDir,
        workerGraceMs: graceMs,
        leaseTtlMs: 3_000,
        commitDelayMs: 1,
        ...(process.env.RELAY_DEBUG ? { log: debugLog(name) } : {}),
      });
      await dispatcher.start();
      opened.push({ dispatcher, store });
      return { dispatcher, store, service: new ServerService(store, dispatcher) };
    },
  };
}

const debugLog = (name: string) => {
  const out = (level: string) => (obj: object, msg?: string) =>
    console.log(
      name,
      level,
      msg,
      JSON.stringify(obj, (_, v: unknown) => (v instanceof Error ? v.message : v)),
    );
  return { info: out('info'), warn: out('warn'), error: out('error'), debug: out('debug') };
};

const acks = (c: { sent: DispatcherMessage[] }): number => c.sent.filter((m) => m.type === 'ack').length;

/** A worker's result for a task it was sent. */
const resultOf = (t: TaskMessage, outcome: 'succeeded' | 'failed' = 'succeeded') =>
  result(t.job, t.host, t.attempt, outcome);

/** Wait (at most `ms`) until `pred` holds. */
async function until<T>(
  what: string,
  pred: () => Promise<T | undefined> | T | undefined,
  ms = 15_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await pred();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Answer every task `c` got and has not answered yet; returns how many. */
function answerAll(d: Dispatcher, c: RecordingChannel, done: Set<string>): number {
  let n = 0;
  for (const t of tasks(c)) {
    const key = `${t.host}#${t.attempt}`;
    if (done.has(key)) continue;
    done.add(key);
    d.onResult(c, resultOf(t));
    n++;
  }
  return n;
}

const relayRows = (schema: string): Promise<{ n: number }[]> =>
  adminQuery<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.relay_tasks`);

async function jobState(s: Server, id: string): Promise<JobRecord['state']> {
  return (await s.store.getJob(id)).state;
}

describe('relay: tasks of a job run by another server’s workers', () => {
  it('a worker linked only to another server runs every host of the job, each once, within the limit', async () => {
    const c = cluster();
    const s1 = await c.server('s1');
    const s2 = await c.server('s2');
    const w = channel('w2-aaaaaaaa', 3);
    await hello(s2.dispatcher, w);
    const job = await s1.service.submitJob({ targets: 'h[1-12]', command: 'true', maxParallel: '2' }, ADMIN);
    const done = new Set<string>();
    let peak = 0;
    await until('the job to succeed', async () => {
      peak = Math.max(peak, tasks(w).length - done.size);
      answerAll(s2.dispatcher, w, done);
      return (await jobState(s1, job.id)) === 'succeeded' ? true : undefined;
    });
    const hosts = tasks(w).map((t) => t.host);
    expect(hosts.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `h${i + 1}`).sort());
    expect(new Set(hosts).size).toBe(12);
    expect(peak).toBeLessThanOrEqual(2);
    expect(tasks(w).every((t) => t.namespace === 'default' && t.spec.command === 'true')).toBe(true);
    // Every result acknowledged once its relay row held it; the rows are gone once the owner wrote the outcomes.
    await until('every ack', () => (acks(w) === 12 ? true : undefined));
    await until('the relay rows to go', async () =>
      (await relayRows(c.schema))[0]?.n === 0 ? true : undefined,
    );
    const rows = (await s1.store.allHosts(job.id)).map((h) => `${h.state}:${h.worker ?? '-'}:${h.attempt}`);
    expect(new Set(rows)).toEqual(new Set(['succeeded:w2-aaaaaaaa:1']));
    const metrics = s1.dispatcher.metrics;
    expect(metrics.relayOffered).toBe(12);
    expect(s2.dispatcher.metrics.relayCarried).toBe(12);
  });

  it('the owner’s own workers go first; only what they cannot take is offered', async () => {
    const c = cluster();
    const s1 = await c.server('s1');
    const s2 = await c.server('s2');
    const w1 = channel('w1-aaaaaaaa', 2);
    const w2 = channel('w2-aaaaaaaa', 2);
    await hello(s1.dispatcher, w1);
    await hello(s2.dispatcher, w2);
    await until('s2’s spare capacity to be known', () =>
      s1.dispatcher['relay']?.room() === 2 ? true : undefined,
    );
    const job = await s1.service.submitJob({ targets: 'h[1-6]', command: 'true' }, ADMIN);
    await until('4 tasks out', () => (tasks(w1).length + tasks(w2).length === 4 ? true : undefined));
    expect(tasks(w1).map((t) => t.host)).toEqual(['h1', 'h2']);
    expect(
      tasks(w2)
        .map((t) => t.host)
        .sort(),
    ).toEqual(['h3', 'h4']);
    const d1 = new Set<string>();
    const d2 = new Set<string>();
    await until('the job to succeed', async () => {
      answerAll(s1.dispatcher, w1, d1);
      answerAll(s2.dispatcher, w2, d2);
      return (await jobState(s1, job.id)) === 'succeeded' ? true : undefined;
    });
    expect(tasks(w1).length + tasks(w2).length).toBe(6);
  });

  it('a carried task whose worker moves to the owner is the owner’s again; the carrier’s later grace does not lose it', async () => {
    const c = cluster();
    const s1 = await c.server('s1');
    const s2 = await c.server('s2', 500);
    const w = channel('w-movesaaa', 1);
    await hello(s2.dispatcher, w);
    const job = await s1.service.submitJob({ targets: 'h1', command: 'true' }, ADMIN);
    const [t] = await until('the task', () => (tasks(w).length === 1 ? tasks(w) : undefined));
    // The link moves: s2 loses it, s1 hears the hello with the task held.
    s2.dispatcher.onDisconnect(w, 'moved');
    const w1 = channel('w-movesaaa', 1);
    await hello(s1.dispatcher, w1, [{ job: job.id, host: 'h1', attempt: 1, state: 'running' }]);
    await new Promise((r) => setTimeout(r, 800)); // s2's grace ends meanwhile
    expect(await jobState(s1, job.id)).toBe('running');
    s1.dispatcher.onResult(w1, resultOf(t as TaskMessage));
    await until('the job to succeed', async () =>
      (await jobState(s1, job.id)) === 'succeeded' ? true : undefined,
    );
    expect((await s1.store.getHost(job.id, 'h1')).state).toBe('succeeded');
    await until('the relay rows to go', async () =>
      (await relayRows(c.schema))[0]?.n === 0 ? true : undefined,
    );
  });

  it('a task the owner sent directly is adopted by the server its worker moved to; its result arrives there', async () => {
    const c = cluster();
    const s1 = await c.server('s1');
    const s2 = await c.server('s2');
    const w = channel('w-adoptaaa', 1);
    await hello(s1.dispatcher, w);
    const job = await s1.service.submitJob({ targets: 'h1', command: 'true' }, ADMIN);
    const [t] = await until('the task', () => (tasks(w).length === 1 ? tasks(w) : undefined));
    s1.dispatcher.onDisconnect(w, 'moved');
    const w2 = channel('w-adoptaaa', 1);
    await hello(s2.dispatcher, w2, [{ job: job.id, host: 'h1', attempt: 1, state: 'running' }]);
    s2.dispatcher.onResult(w2, resultOf(t as TaskMessage));
    await until('the ack', () => (acks(w2) === 1 ? true : undefined));
    await until('the job to succeed', async () =>
      (await jobState(s1, job.id)) === 'succeeded' ? true : undefined,
    );
    expect((await s1.store.getHost(job.id, 'h1')).state).toBe('succeeded');
  });

  it('halt --kill reaches a carried task; a carrier that stops beating leaves its task lost after the grace period', async () => {
    const c = cluster();
    const s1 = await c.server('s1', 1_500);
    const s2 = await c.server('s2');
    const w = channel('w-cancelaa', 2);
    await hello(s2.dispatcher, w);
    const job = await s1.service.submitJob({ targets: 'h[1-2]', command: 'sleep 100' }, ADMIN);
    await until('2 tasks', () => (tasks(w).length === 2 ? true : undefined));
    await s1.service.halt(job.id, ADMIN, { kill: true });
    const cancels = await until('the cancels', () => {
      const got = w.sent.filter((m): m is CancelMessage => m.type === 'cancel');
      return got.length === 2 ? got : undefined;
    });
    expect(cancels.map((m) => m.reason)).toEqual(['killed', 'killed']);
    s2.dispatcher.onResult(w, { ...resultOf(tasks(w)[0] as TaskMessage, 'failed'), signal: 'TERM' });
    // s2 vanishes without a word (its beats stop): the other task is lost once the grace period is over.
    const gone = opened.findIndex((o) => o.dispatcher === s2.dispatcher);
    const [s2o] = opened.splice(gone, 1);
    await until('one result stored', async () =>
      (await s1.store.allHosts(job.id)).some((h) => h.state === 'failed') ? true : undefined,
    );
    // Its relay stops (no more beats, claims or cancels) and its last beat is made to lapse at once.
    await s2o?.dispatcher['relay']?.stop();
    await adminQuery(`UPDATE ${c.schema}.dispatch_servers SET expires_at = 0 WHERE name = 's2'`);
    await until(
      'the job to end',
      async () => ((await jobState(s1, job.id)) === 'halted' ? true : undefined),
      20_000,
    );
    const states = (await s1.store.allHosts(job.id)).map((h) => h.state).sort();
    expect(states).toEqual(['failed', 'lost']);
    const lost = (await s1.store.allHosts(job.id)).find((h) => h.state === 'lost');
    expect(lost?.message).toMatch(/server s2, whose worker ran it, stopped/);
    await s2o?.dispatcher.stop();
    await s2o?.store.close();
  });

  it('a new owner takes over a job whose tasks another server carries; results reach the new owner', async () => {
    const c = cluster();
    const s1 = await c.server('s1');
    const s2 = await c.server('s2');
    const w = channel('w-takeover', 2);
    await hello(s2.dispatcher, w);
    const job = await s1.service.submitJob({ targets: 'h[1-2]', command: 'true' }, ADMIN);
    await until('2 tasks', () => (tasks(w).length === 2 ? true : undefined));
    // s1 stops (an upgrade): its lease is released, s2 takes the job up and now drives what it carried.
    const i = opened.findIndex((o) => o.dispatcher === s1.dispatcher);
    const [s1o] = opened.splice(i, 1);
    await s1o?.dispatcher.stop();
    await s1o?.store.close();
    await until('s2 to drive the job', () => (s2.dispatcher.liveDriver(job.id) ? true : undefined), 20_000);
    for (const t of tasks(w)) s2.dispatcher.onResult(w, resultOf(t));
    await until('the job to succeed', async () =>
      (await jobState(s2, job.id)) === 'succeeded' ? true : undefined,
    );
    expect(tasks(w)).toHaveLength(2);
    await until('the relay rows to go', async () =>
      (await relayRows(c.schema))[0]?.n === 0 ? true : undefined,
    );
  });

  it('a relayed task carries its host’s connection settings from the inventory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pogo-relay-inv-'));
    try {
      writeFileSync(
        join(dir, 'hosts.ini'),
        '[web]\nweb1 ansible_host=192.0.2.11 ansible_port=2201 ansible_user=deploy\nweb2\n',
      );
      const c = cluster();
      const s1 = await c.server('s1', 60_000, dir);
      const s2 = await c.server('s2', 60_000, dir);
      await s1.store.putNamespace('inv', 'tag:\n  inv: "ansible ./hosts.ini"\n', 'alice', 1);
      const w = channel('w-inventory', 2);
      await hello(s2.dispatcher, w);
      await s1.service.submitJob({ namespace: 'inv', targets: '$inv', command: 'true' }, ADMIN);
      const sent = await until('2 tasks', () => (tasks(w).length === 2 ? tasks(w) : undefined));
      const web1 = sent.find((t) => t.host === 'web1');
      expect(web1?.connect).toEqual({ address: '192.0.2.11', port: 2201, user: 'deploy' });
      expect(sent.find((t) => t.host === 'web2')?.connect).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
