// Crash tests: kill -9 the server mid-rollout (the job completes, no host runs twice); kill -9 a worker (its hosts are lost).
import { chmod, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HostRecord, JobRecord, JobView, Page } from '../src/model/index.ts';
import { makeTestCerts } from './support/certs.ts';
import type { TestCerts } from './support/certs.ts';
import { LAB_START_TIMEOUT_MS, startTestLab } from './support/lab.ts';
import type { TestLab } from './support/lab.ts';
import type { PogoProcess, TestServer } from './support/pogo-server.ts';
import { api, freePort, spawnPogo, startServer, until } from './support/pogo-server.ts';

let lab: TestLab;
let root: string;
let certs: TestCerts;
const cleanup: PogoProcess[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pogo-crash-'));
  await chmod(root, 0o755); // the lab user writes markers below it
  await mkdir(join(root, 'certs'));
  certs = await makeTestCerts(join(root, 'certs'));
  lab = await startTestLab(60);
}, LAB_START_TIMEOUT_MS + 30_000);

afterEach(async () => {
  for (const p of cleanup.splice(0)) await p.kill9();
});

afterAll(async () => {
  await lab?.dispose();
  await rm(root, { recursive: true, force: true });
}, 60_000);

/** A fresh directory set for one test: data, home, markers. */
async function scene(name: string): Promise<{ data: string; home: string; markers: string }> {
  const base = join(root, name);
  const dirs = { data: join(base, 'data'), home: join(base, 'home'), markers: join(base, 'markers') };
  for (const d of Object.values(dirs)) await mkdir(d, { recursive: true });
  await chmod(base, 0o755);
  await chmod(dirs.markers, 0o777);
  return dirs;
}

async function server(
  data: string,
  home: string,
  apiPort: number,
  workerPort: number,
  extra: string[] = [],
): Promise<TestServer> {
  const s = await startServer(data, home, [
    '--listen', `127.0.0.1:${apiPort}`, '--worker-listen', `127.0.0.1:${workerPort}`, '--no-worker',
    '--ca', certs.caFile, '--cert', certs.server.certFile, '--key', certs.server.keyFile, ...extra,
  ]); // prettier-ignore
  cleanup.push(s.process);
  return s;
}

function worker(name: string, workerPort: number, capacity: number): PogoProcess {
  const w = spawnPogo([
    'worker', '--server', `wss://127.0.0.1:${workerPort}`, '--name', name, '--capacity', String(capacity),
    '--ca', certs.caFile, '--cert', certs.worker.certFile, '--key', certs.worker.keyFile,
    '--ssh-config', lab.sshConfig,
  ]); // prettier-ignore
  cleanup.push(w);
  return w;
}

async function job(s: TestServer, id: string): Promise<JobView> {
  return api<JobView>(s, 'GET', `/v1/jobs/${id}`);
}

async function hosts(s: TestServer, id: string): Promise<HostRecord[]> {
  return (await api<Page<HostRecord>>(s, 'GET', `/v1/jobs/${id}/hosts?limit=1000`)).items as HostRecord[];
}

async function runsPerHost(markers: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const f of await readdir(markers)) {
    out.set(f, (await readFile(join(markers, f), 'utf8')).split('\n').filter(Boolean).length);
  }
  return out;
}

describe('crashes', () => {
  it('kill -9 of the server mid-rollout: after a restart the job completes and every host ran exactly once', async () => {
    const { data, home, markers } = await scene('server-kill');
    const [apiPort, workerPort] = [await freePort(), await freePort()];
    const first = await server(data, home, apiPort, workerPort);
    worker('w1', workerPort, 6);
    worker('w2', workerPort, 6);
    await until(async () =>
      (await api<{ items: unknown[] }>(first, 'GET', '/v1/workers')).items.length === 2 ? 1 : undefined,
    );
    const submitted: JobRecord = await api(first, 'POST', '/v1/jobs', {
      targets: 'lab-[0001-0060]', command: `echo run >> ${markers}/$POGO_HOST; sleep 0.5`, maxParallel: '10',
    }); // prettier-ignore
    await until(async () => ((await job(first, submitted.id)).counts.succeeded >= 15 ? 1 : undefined));
    await first.process.kill9();
    await new Promise((r) => setTimeout(r, 1500)); // workers finish what they hold, with no one to tell
    const second = await server(data, home, apiPort, workerPort);
    const end = await until(async () => {
      const j = await job(second, submitted.id);
      return j.state === 'running' || j.state === 'pending' ? undefined : j;
    }, 120_000);
    expect(end.state).toBe('succeeded');
    expect(end.counts.succeeded).toBe(60);
    const runs = await runsPerHost(markers);
    expect(runs.size).toBe(60);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    const rows = await hosts(second, submitted.id);
    expect(rows.every((h) => h.attempt === 1)).toBe(true);
  }, 180_000);

  it('kill -9 of a worker mid-task: its hosts become lost after the grace period, count as failures, are not re-run', async () => {
    const { data, home, markers } = await scene('worker-kill');
    const [apiPort, workerPort] = [await freePort(), await freePort()];
    const s = await server(data, home, apiPort, workerPort, ['--worker-grace', '3s']);
    const w1 = worker('w1', workerPort, 5);
    await until(async () =>
      (await api<{ items: unknown[] }>(s, 'GET', '/v1/workers')).items.length === 1 ? 1 : undefined,
    );
    const submitted: JobRecord = await api(s, 'POST', '/v1/jobs', {
      targets: 'lab-[0001-0010]', command: `echo run >> ${markers}/$POGO_HOST; sleep 4`, maxParallel: '10',
    }); // prettier-ignore
    await until(async () => ((await runsPerHost(markers)).size === 5 ? 1 : undefined));
    const onW1 = [...(await runsPerHost(markers)).keys()].sort();
    await w1.kill9();
    const lost = await until(async () => {
      const rows = await hosts(s, submitted.id);
      const l = rows.filter((h) => h.state === 'lost');
      return l.length === 5 ? l : undefined;
    }, 30_000);
    expect(lost.map((h) => h.host).sort()).toEqual(onW1);
    expect(lost[0]?.message).toMatch(/did not come back within 3s/);
    worker('w2', workerPort, 5);
    const end = await until(async () => {
      const j = await job(s, submitted.id);
      return j.state === 'running' ? undefined : j;
    }, 60_000);
    expect(end.state).toBe('failed');
    expect(end.counts).toMatchObject({ lost: 5, succeeded: 5 });
    expect(end.reason).toBe('5 hosts failed');
    const runs = await runsPerHost(markers);
    expect(runs.size).toBe(10);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
  }, 120_000);

  it('SIGTERM to a worker mid-rollout: it finishes its hosts, refuses new ones, exits 0; nothing is lost', async () => {
    const { data, home, markers } = await scene('worker-stop');
    const [apiPort, workerPort] = [await freePort(), await freePort()];
    const s = await server(data, home, apiPort, workerPort, ['--worker-grace', '3s']);
    const w1 = worker('w1', workerPort, 4);
    await until(async () =>
      (await api<{ items: unknown[] }>(s, 'GET', '/v1/workers')).items.length === 1 ? 1 : undefined,
    );
    const submitted: JobRecord = await api(s, 'POST', '/v1/jobs', {
      targets: 'lab-[0021-0032]', command: `echo run >> ${markers}/$POGO_HOST; sleep 1.5`, maxParallel: '10',
    }); // prettier-ignore
    await until(async () => ((await runsPerHost(markers)).size >= 4 ? 1 : undefined));
    await w1.stop(30_000);
    expect(await w1.exited).toBe(0);
    worker('w2', workerPort, 4);
    const end = await until(async () => {
      const j = await job(s, submitted.id);
      return j.state === 'running' ? undefined : j;
    }, 90_000);
    expect(end.state).toBe('succeeded');
    expect(end.counts).toMatchObject({ succeeded: 12, lost: 0 });
    const { items } = await api<{ items: { type: string; reason?: string }[] }>(
      s,
      'GET',
      `/v1/jobs/${submitted.id}/events?limit=1000`,
    );
    const requeued = items.filter((e) => e.type === 'host:requeued');
    // w1 was sent tasks while stopping: it refused them, or closed (holding nothing) before they arrived.
    expect(requeued.length).toBeGreaterThan(0);
    const why = /worker w1 (refused it \(stopping\)|stopped before it got it)/;
    expect(requeued.every((e) => why.test(e.reason ?? ''))).toBe(true);
    const runs = await runsPerHost(markers);
    expect(runs.size).toBe(12);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
  }, 120_000);
});
