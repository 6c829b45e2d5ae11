// Two servers on one PostgreSQL that restarts mid-rollout: both reconnect (store and LISTEN connection) and
// carry on their own jobs; an event stream on the server that does not drive a job keeps going.
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRecord, JobRecord, JobView, Page } from '../src/model/index.ts';
import type { TestServer } from './support/pogo-server.ts';
import { api, startServer, until } from './support/pogo-server.ts';
import type { PrivatePostgres } from './support/private-postgres.ts';
import { startPrivatePostgres } from './support/private-postgres.ts';
import { readSse } from './support/sse-client.ts';

let dir: string;
let pg: PrivatePostgres;
const servers: TestServer[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-cluster-pg-'));
  await mkdir(join(dir, 'markers'));
  await chmod(join(dir, 'markers'), 0o777);
  await mkdir(join(dir, 'home'));
  pg = await startPrivatePostgres();
  const args = (name: string): string[] => [
    '--listen', '127.0.0.1:0', '--store', pg.url, '--name', name, '--transport', 'local', '--capacity', '2',
  ]; // prettier-ignore
  servers.push(await startServer(join(dir, 'a'), join(dir, 'home'), args('a')));
  // The second server finds the admin the first made; the test reads the token from its data directory.
  await mkdir(join(dir, 'b'));
  await copyFile(join(dir, 'a', 'admin.token'), join(dir, 'b', 'admin.token'));
  servers.push(await startServer(join(dir, 'b'), join(dir, 'home'), args('b')));
}, 120_000);

afterAll(async () => {
  for (const s of servers) await s.process.stop();
  await pg?.dispose();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('two servers on a PostgreSQL that restarts mid-rollout', () => {
  it('both carry on: every host once, every event, and the stream on the other server does not miss one', async () => {
    const [a, b] = servers as [TestServer, TestServer];
    const submit = (s: TestServer, ns: string): Promise<JobRecord> =>
      api<JobRecord>(s, 'POST', '/v1/jobs', {
        namespace: ns,
        targets: `${ns}-[01-08]`,
        command: `echo run >> ${join(dir, 'markers')}/$POGO_HOST; sleep 0.4`,
        maxParallel: '2',
        hooks: { pre: false, post: false },
      });
    const jobA = await submit(a, 'pa');
    const jobB = await submit(b, 'pb');
    // b streams job a (driven by a) across the restart.
    const stream = readSse(`${b.url}/v1/jobs/${jobA.id}/events`, b.token, { timeoutMs: 120_000 });
    await until(
      async () =>
        (await api<JobView>(a, 'GET', `/v1/jobs/${jobA.id}`)).counts.succeeded >= 2 ? true : undefined,
      60_000,
      'two hosts of job a done',
    );
    await pg.stop();
    await new Promise((r) => setTimeout(r, 2_500));
    await pg.start();
    for (const [s, job] of [
      [a, jobA],
      [b, jobB],
    ] as const) {
      const end = await until(
        async () => {
          const j = await api<JobView>(s, 'GET', `/v1/jobs/${job.id}`).catch(() => undefined);
          return j && (j.state === 'succeeded' || j.state === 'failed') && !j.live ? j : undefined;
        },
        90_000,
        `job ${job.id} to end`,
      ).catch((e: unknown) => {
        throw new Error(`${String(e)}\n${a.process.output()}\n----\n${b.process.output()}`, { cause: e });
      });
      expect(end.state).toBe('succeeded');
      const events = (await api<Page<EventRecord>>(s, 'GET', `/v1/jobs/${job.id}/events?limit=1000`)).items;
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.filter((e) => e.type === 'host:started')).toHaveLength(8);
    }
    for (const ns of ['pa', 'pb']) {
      for (let i = 1; i <= 8; i++) {
        const h = `${ns}-0${i}`;
        expect((await readFile(join(dir, 'markers', h), 'utf8')).trim().split('\n'), h).toEqual(['run']);
      }
    }
    const { events, ended } = await stream;
    expect(ended).toBe(true);
    const seqs = events.filter((e) => e.event !== 'end').map((e) => Number(e.id));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const stored = (await api<Page<EventRecord>>(a, 'GET', `/v1/jobs/${jobA.id}/events?limit=1000`)).items;
    expect(seqs).toHaveLength(stored.length);
  }, 240_000);
});
