// PostgreSQL restarted mid-rollout: the server stops deciding, then takes its jobs up again; nothing lost, nothing twice.
import { chmod, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRecord, JobRecord, JobView, Page } from '../src/model/index.ts';
import type { TestServer } from './support/pogo-server.ts';
import { api, startServer, until } from './support/pogo-server.ts';
import type { PrivatePostgres } from './support/private-postgres.ts';
import { startPrivatePostgres } from './support/private-postgres.ts';

const HOSTS = Array.from({ length: 12 }, (_, i) => `pgr-${String(i + 1).padStart(2, '0')}`);
let dir: string;
let pg: PrivatePostgres;
let server: TestServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-pg-restart-'));
  await mkdir(join(dir, 'markers'));
  await chmod(join(dir, 'markers'), 0o777);
  await mkdir(join(dir, 'home'));
  pg = await startPrivatePostgres();
  server = await startServer(join(dir, 'data'), join(dir, 'home'), [
    '--listen', '127.0.0.1:0', '--store', pg.url, '--transport', 'local', '--capacity', '2',
  ]); // prettier-ignore
}, 90_000);

afterAll(async () => {
  await server?.process.stop();
  await pg?.dispose();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('pogo server on PostgreSQL that restarts mid-rollout', () => {
  it('carries on once PostgreSQL is back: every host once, every event, the job succeeds', async () => {
    const command = `echo run >> ${join(dir, 'markers')}/$POGO_HOST; sleep 0.4`;
    const job = await api<JobRecord>(server, 'POST', '/v1/jobs', {
      targets: HOSTS.join(','),
      command,
      maxParallel: '2',
      hooks: { pre: false, post: false },
    });
    await until(
      async () =>
        (await api<JobView>(server, 'GET', `/v1/jobs/${job.id}`)).counts.succeeded >= 3 ? true : undefined,
      60_000,
      'three hosts done',
    );
    await pg.stop();
    await new Promise((r) => setTimeout(r, 2_500)); // hosts finish meanwhile; their results cannot be stored
    await pg.start();
    const done = await until(
      async () => {
        const j = await api<JobView>(server, 'GET', `/v1/jobs/${job.id}`).catch(() => undefined);
        return j && (j.state === 'succeeded' || j.state === 'failed') && !j.live ? j : undefined;
      },
      90_000,
      'the job to end',
    ).catch((e: unknown) => {
      throw new Error(`${String(e)}\n${server.process.output()}`, { cause: e });
    });
    expect(done.state).toBe('succeeded');
    expect(done.counts.succeeded).toBe(HOSTS.length);
    for (const h of HOSTS) {
      expect((await readFile(join(dir, 'markers', h), 'utf8')).trim().split('\n'), h).toEqual(['run']);
    }
    const events = (await api<Page<EventRecord>>(server, 'GET', `/v1/jobs/${job.id}/events?limit=1000`))
      .items;
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'host:started')).toHaveLength(HOSTS.length);
    expect(server.process.output()).toMatch(/store is back: 1 job\(s\) taken up again/);
  }, 180_000);
});
