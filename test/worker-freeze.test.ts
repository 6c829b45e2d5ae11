// A `pogo worker` frozen with SIGSTOP: the server stops hearing it, its hosts become `lost` after the grace
// period and are never run again; once it is thawed, its late results are confirmed but change nothing.
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRecord, HostRecord, JobRecord, JobView, Page } from '../src/model/index.ts';
import type { PogoProcess, TestServer } from './support/pogo-server.ts';
import { api, spawnPogo, startServer, until, waitForOutput } from './support/pogo-server.ts';

let dir: string;
let server: TestServer;
let worker: PogoProcess;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-freeze-'));
  await mkdir(join(dir, 'home'));
  await mkdir(join(dir, 'markers'));
  server = await startServer(join(dir, 'data'), join(dir, 'home'), [
    '--listen', '127.0.0.1:0', '--worker-listen', '127.0.0.1:0', '--insecure-loopback',
    '--transport', 'local', '--capacity', '2', '--worker-grace', '2s',
  ]); // prettier-ignore
  worker = spawnPogo(
    [
      'worker', '--server', `ws://127.0.0.1:${server.workerPort}`, '--insecure-loopback',
      '--name', 'frozen', '--capacity', '2', '--transport', 'local',
    ], // prettier-ignore
    { HOME: join(dir, 'home') },
  );
  await waitForOutput(worker, /connected to dispatcher/);
}, 60_000);

afterAll(async () => {
  worker?.child.kill('SIGCONT');
  await worker?.stop();
  await server?.process.stop();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('a worker frozen with SIGSTOP', () => {
  it('its hosts become lost after the grace period, never run twice; its late results change nothing', async () => {
    const { items } = await api<{ items: { name: string; instance: string }[] }>(
      server,
      'GET',
      '/v1/workers',
    );
    const frozenInstance = items.find((w) => w.name === 'frozen')?.instance;
    expect(frozenInstance).toBeDefined();
    const job = await api<JobRecord>(server, 'POST', '/v1/jobs', {
      targets: 'f-[1-8]',
      command: `echo run >> ${join(dir, 'markers')}/$POGO_HOST; sleep 3`,
      maxParallel: '4',
      hooks: { pre: false, post: false },
    });
    const onFrozen = await until(
      async () => {
        const hs = (await api<Page<HostRecord>>(server, 'GET', `/v1/jobs/${job.id}/hosts`)).items;
        const mine = hs.filter((h) => h.state === 'running' && h.worker === frozenInstance);
        return mine.length > 0 ? mine.map((h) => h.host) : undefined;
      },
      30_000,
      'hosts on the worker to freeze',
    );
    worker.child.kill('SIGSTOP');
    // Silent for 3 heartbeats (15 s), then 2 s of grace: lost.
    await until(
      async () => {
        const hs = (await api<Page<HostRecord>>(server, 'GET', `/v1/jobs/${job.id}/hosts`)).items;
        return onFrozen.every((h) => hs.find((x) => x.host === h)?.state === 'lost') ? true : undefined;
      },
      45_000,
      'the frozen worker’s hosts to be lost',
    );
    worker.child.kill('SIGCONT');
    const end = await until(
      async () => {
        const j = await api<JobView>(server, 'GET', `/v1/jobs/${job.id}`);
        return ['succeeded', 'failed', 'halted'].includes(j.state) && !j.live ? j : undefined;
      },
      60_000,
      'the job to end',
    );
    // Thawed, the worker reconnects and delivers its results; they are confirmed, and ignored.
    await until(
      () =>
        Promise.resolve(
          (worker.output().match(/connected to dispatcher/g) ?? []).length >= 2 ? true : undefined,
        ),
      30_000,
      'the worker to reconnect',
    );
    await until(
      async () => {
        const w = await api<{ items: { name: string; running: number }[] }>(server, 'GET', '/v1/workers');
        const f = w.items.find((x) => x.name === 'frozen');
        return f && f.running === 0 ? true : undefined;
      },
      30_000,
      'the frozen worker to hold nothing',
    );
    const hosts = (await api<Page<HostRecord>>(server, 'GET', `/v1/jobs/${job.id}/hosts`)).items;
    for (const h of onFrozen) {
      const row = hosts.find((x) => x.host === h);
      expect(row?.state, h).toBe('lost');
      expect(row?.message, h).toMatch(/did not come back within 2s|nothing heard/);
    }
    expect(hosts.filter((h) => h.state === 'succeeded')).toHaveLength(8 - onFrozen.length);
    expect(end.state).toBe('failed');
    for (const f of await readdir(join(dir, 'markers'))) {
      expect((await readFile(join(dir, 'markers', f), 'utf8')).trim().split('\n'), f).toEqual(['run']);
    }
    const events = (await api<Page<EventRecord>>(server, 'GET', `/v1/jobs/${job.id}/events?limit=1000`))
      .items;
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const started = events.filter((e) => e.type === 'host:started').map((e) => e.host);
    expect(new Set(started).size).toBe(started.length);
    expect(started).toHaveLength(8);
  }, 150_000);
});
