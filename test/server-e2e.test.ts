// End to end: `pogo server` (SQLite) + 2 `pogo worker` processes over mutual TLS + 200 SSH lab hosts.
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRecord, HostRecord, JobRecord, JobView, Page } from '../src/model/index.ts';
import { makeTestCerts } from './support/certs.ts';
import type { TestCerts } from './support/certs.ts';
import { LAB_START_TIMEOUT_MS, startTestLab } from './support/lab.ts';
import type { TestLab } from './support/lab.ts';
import type { PogoProcess, TestServer } from './support/pogo-server.ts';
import { api, putConfig, spawnPogo, startServer, until, waitForOutput } from './support/pogo-server.ts';
import { readSse } from './support/sse-client.ts';

const HOSTS = 200;
const LIMIT = 6;

let lab: TestLab;
let dir: string;
let certs: TestCerts;
let server: TestServer;
const workers: PogoProcess[] = [];

/** A command that logs its start and end on the target (one shared file: the lab is one machine) and leaves a marker. */
function tracedCommand(tag: string, seconds: number): string {
  const d = join(dir, 'trace');
  return (
    `echo "start $POGO_HOST $(date +%s%N) ${tag}" >> ${d}/timeline; sleep ${seconds}; ` +
    `echo "end $POGO_HOST $(date +%s%N) ${tag}" >> ${d}/timeline; echo run >> ${d}/markers/$POGO_HOST.${tag}; ` +
    `echo "hello from $POGO_HOST"`
  );
}

/** The most commands that ran at once on the targets, for lines whose tag is in `tags`. */
async function peakOnTargets(tags: readonly string[]): Promise<number> {
  const lines = (await readFile(join(dir, 'trace', 'timeline'), 'utf8')).trim().split('\n');
  const points = lines
    .map((l) => l.split(' '))
    .filter((p) => tags.includes(p[3] as string))
    .map((p) => ({ t: BigInt(p[2] as string), d: p[0] === 'start' ? 1 : -1 }))
    .sort((a, b) => (a.t === b.t ? a.d - b.d : a.t < b.t ? -1 : 1));
  let cur = 0;
  let peak = 0;
  for (const p of points) peak = Math.max(peak, (cur += p.d));
  return peak;
}

async function waitJob(id: string, states: readonly string[], timeoutMs = 120_000): Promise<JobView> {
  return until(
    async () => {
      const j = await api<JobView>(server, 'GET', `/v1/jobs/${id}`);
      return states.includes(j.state) ? j : undefined;
    },
    timeoutMs,
    `job ${id} to be ${states.join('|')}`,
  );
}

async function allHosts(id: string): Promise<HostRecord[]> {
  const out: HostRecord[] = [];
  let cursor: string | undefined;
  do {
    const page: Page<HostRecord> = await api(
      server,
      'GET',
      `/v1/jobs/${id}/hosts?limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
    );
    out.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-e2e-'));
  // The lab's hosts log in as the lab user (when the tests run as root): let it write the trace.
  await chmod(dir, 0o755);
  await mkdir(join(dir, 'trace', 'markers'), { recursive: true });
  await chmod(join(dir, 'trace'), 0o777);
  await chmod(join(dir, 'trace', 'markers'), 0o777);
  await mkdir(join(dir, 'certs'));
  await mkdir(join(dir, 'home'));
  certs = await makeTestCerts(join(dir, 'certs'));
  lab = await startTestLab(HOSTS);
  server = await startServer(join(dir, 'data'), join(dir, 'home'), [
    '--listen', '127.0.0.1:0', '--worker-listen', '127.0.0.1:0', '--no-worker',
    '--ca', certs.caFile, '--cert', certs.server.certFile, '--key', certs.server.keyFile,
  ]); // prettier-ignore
  for (const name of ['w1', 'w2']) {
    const w = spawnPogo([
      'worker', '--server', `wss://127.0.0.1:${server.workerPort}`, '--name', name, '--capacity', '20',
      '--ca', certs.caFile, '--cert', certs.worker.certFile, '--key', certs.worker.keyFile,
      '--ssh-config', lab.sshConfig,
    ]); // prettier-ignore
    workers.push(w);
  }
  await until(
    async () =>
      (await api<{ items: unknown[] }>(server, 'GET', '/v1/workers')).items.length === 2 ? true : undefined,
    30_000,
    'two workers',
  );
  const config = [
    'tag:',
    "  all: ['lab-[0001-0200]']",
    "  first: ['lab-[0001-0100]']",
    "  second: ['lab-[0101-0200]']",
    'constraint:',
    `  $all: { max_parallel: ${LIMIT} }`,
    '',
  ].join('\n');
  await putConfig(server, 'farm', config);
}, LAB_START_TIMEOUT_MS + 60_000);

afterAll(async () => {
  for (const w of workers) await w.stop();
  await server?.process.stop();
  await lab?.dispose();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('pogo server + 2 workers over mutual TLS + 200 lab hosts', () => {
  it('two concurrent jobs share a max_parallel group and never exceed it together; output is kept', async () => {
    const submit = (targets: string, tag: string): Promise<JobRecord> =>
      api(server, 'POST', '/v1/jobs', { namespace: 'farm', targets, command: tracedCommand(tag, 1.5) });
    const [a, b] = await Promise.all([submit('$first', 'A'), submit('$second', 'B')]);
    const [ja, jb] = await Promise.all([waitJob(a.id, ['succeeded']), waitJob(b.id, ['succeeded'])]);
    expect(ja.counts.succeeded).toBe(100);
    expect(jb.counts.succeeded).toBe(100);
    const peak = await peakOnTargets(['A', 'B']);
    expect(peak).toBeLessThanOrEqual(LIMIT);
    expect(peak).toBeGreaterThanOrEqual(LIMIT - 1); // the limit, not something smaller, is what held them
    // Every host ran exactly once.
    const markers = await readdir(join(dir, 'trace', 'markers'));
    expect(markers.filter((m) => m.endsWith('.A') || m.endsWith('.B'))).toHaveLength(200);
    for (const m of markers) expect(await readFile(join(dir, 'trace', 'markers', m), 'utf8')).toBe('run\n');
    // Output is retrievable, raw and as JSON.
    const raw = await fetch(`${server.url}/v1/jobs/${a.id}/hosts/lab-0007/output?format=raw`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(await raw.text()).toBe('hello from lab-0007\n');
    const hosts = await allHosts(b.id);
    expect(hosts.map((h) => h.state)).toEqual(Array<string>(100).fill('succeeded'));
    expect(new Set(hosts.map((h) => h.worker)).size).toBe(2); // both workers took part
  }, 180_000);

  it('halt drains: nothing starts after the halt, running hosts finish, the job is halted', async () => {
    const job: JobRecord = await api(server, 'POST', '/v1/jobs', {
      namespace: 'farm', targets: '$all', command: tracedCommand('H', 1), maxParallel: '8',
    }); // prettier-ignore
    await until(async () => {
      const j = await api<JobView>(server, 'GET', `/v1/jobs/${job.id}`);
      return j.counts.succeeded >= 8 ? j : undefined;
    });
    const halted = await api<JobView>(server, 'POST', `/v1/jobs/${job.id}/halt`, {});
    expect(halted.draining || halted.state === 'halted').toBe(true);
    const end = await waitJob(job.id, ['halted']);
    expect(end.reason).toBe('halted by admin');
    expect(end.counts.running).toBe(0);
    expect(end.counts.halted).toBeGreaterThan(150);
    const { items } = await api<{ items: EventRecord[] }>(
      server,
      'GET',
      `/v1/jobs/${job.id}/events?limit=5000`,
    );
    const haltAt = items.findIndex((e) => e.type === 'job:halting');
    expect(haltAt).toBeGreaterThan(0);
    expect(items.slice(haltAt).filter((e) => e.type === 'host:started')).toEqual([]);
    const started = items.filter((e) => e.type === 'host:started').length;
    const ended = items.filter((e) => e.type === 'host:succeeded').length;
    expect(ended).toBe(started); // drained: every started host finished
  }, 120_000);

  it('retry runs a failed host again; skip lets the job finish; both are audited', async () => {
    const flags = join(dir, 'fail');
    await mkdir(flags, { recursive: true });
    await writeFile(join(flags, 'lab-0003'), '');
    await writeFile(join(flags, 'lab-0004'), '');
    const job: JobRecord = await api(server, 'POST', '/v1/jobs', {
      namespace: 'farm', targets: 'lab-[0001-0006]', command: `test ! -e ${flags}/$POGO_HOST`,
    }); // prettier-ignore
    const failed = await waitJob(job.id, ['failed']);
    expect(failed.counts.failed).toBe(2);
    await rm(join(flags, 'lab-0003'));
    await api(server, 'POST', `/v1/jobs/${job.id}/retry`, { hosts: ['lab-0003'] });
    await until(async () => {
      const h = await api<HostRecord>(server, 'GET', `/v1/jobs/${job.id}/hosts/lab-0003`);
      return h.state === 'succeeded' ? h : undefined;
    });
    const h3 = await api<HostRecord>(server, 'GET', `/v1/jobs/${job.id}/hosts/lab-0003`);
    expect(h3.attempt).toBe(2);
    await api(server, 'POST', `/v1/jobs/${job.id}/skip`, { hosts: ['lab-0004'] });
    const done = await waitJob(job.id, ['succeeded']);
    expect(done.counts).toMatchObject({ succeeded: 5, skipped: 1, failed: 0 });
    const audit = await api<{ items: { action: string; user: string }[] }>(
      server,
      'GET',
      `/v1/audit?subject=${job.id}`,
    );
    expect(audit.items.map((a) => a.action).sort()).toEqual(['job.retry', 'job.skip', 'job.submit']);
    expect(audit.items.every((a) => a.user === 'admin')).toBe(true);
  }, 120_000);

  it('the SSE stream delivers every event in order, also after a reconnect with Last-Event-ID', async () => {
    const job: JobRecord = await api(server, 'POST', '/v1/jobs', {
      namespace: 'farm', targets: 'lab-[0001-0040]', command: 'sleep 0.2', maxParallel: '5',
    }); // prettier-ignore
    const url = `${server.url}/v1/jobs/${job.id}/events`;
    const first = await readSse(url, server.token, { maxEvents: 15 });
    expect(first.events.length).toBe(15);
    const lastId = first.events.at(-1)?.id as string;
    const rest = await readSse(url, server.token, { lastEventId: lastId });
    expect(rest.ended).toBe(true);
    const seqs = [...first.events, ...rest.events].map((e) => Number(e.id));
    const stored = await api<{ items: EventRecord[] }>(server, 'GET', `/v1/jobs/${job.id}/events?limit=5000`);
    expect(seqs).toEqual(stored.items.map((e) => e.seq));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const types = [...first.events, ...rest.events].map((e) => e.event);
    expect(types[0]).toBe('job:submitted');
    expect(types.at(-1)).toBe('job:succeeded');
  }, 120_000);

  it('workers report themselves; bad requests get errors that name the field', async () => {
    const { items } = await api<{ items: { name: string; capacity: number }[] }>(
      server,
      'GET',
      '/v1/workers',
    );
    expect(items.map((w) => w.name).sort()).toEqual(['w1', 'w2']);
    const res = await fetch(`${server.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ targets: 'lab-0001', command: 'true', maxParallel: 'lots' }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.message).toMatch(/maxParallel/);
    await waitForOutput(workers[0] as PogoProcess, /connected/);
  });
});
