// End to end on PostgreSQL: `pogo server --store postgres://…?schema=…` with its embedded worker runs a real job.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRecord, HostRecord, JobRecord, JobView, Page } from '../src/model/index.ts';
import type { TestServer } from './support/pogo-server.ts';
import { api, startServer, until } from './support/pogo-server.ts';
import { adminQuery, dropSchema, ensurePostgres, randomSchema, urlWithSchema } from './support/postgres.ts';

const HOSTS = ['pg-a', 'pg-b', 'pg-c'];
let dir: string;
let schema: string;
let server: TestServer | undefined;
/** Trust authentication ignores it; it is there to show that the server never prints it. */
const PASSWORD = 'not-Shown-7';

/** The store URL with a password and the test's schema. */
function storeUrl(): string {
  const url = new URL(urlWithSchema(schema));
  url.password = PASSWORD;
  return url.toString();
}

beforeAll(async () => {
  await ensurePostgres();
  dir = await mkdtemp(join(tmpdir(), 'pogo-pg-e2e-'));
  await mkdir(join(dir, 'home'));
  schema = randomSchema('pogo_e2e');
  server = await startServer(join(dir, 'data'), join(dir, 'home'), [
    '--listen', '127.0.0.1:0', '--store', storeUrl(), '--transport', 'local', '--capacity', '4',
  ]); // prettier-ignore
}, 60_000);

afterAll(async () => {
  await server?.process.stop();
  await rm(dir, { recursive: true, force: true });
  if (schema !== undefined) await dropSchema(schema);
}, 60_000);

describe('pogo server on PostgreSQL', () => {
  it('runs a job with the embedded worker; its state, events and output are in PostgreSQL', async () => {
    const s = server as TestServer;
    const redacted = new URL(storeUrl());
    redacted.password = '***';
    expect(s.process.output()).toContain(`store ${redacted.toString()}`);
    expect(s.process.output()).not.toContain(PASSWORD);
    const job: JobRecord = await api(s, 'POST', '/v1/jobs', {
      targets: HOSTS.join(','),
      command: 'echo "hello from $POGO_HOST"',
    });
    let last: JobView | undefined;
    const end = await until(async () => {
      last = await api<JobView>(s, 'GET', `/v1/jobs/${job.id}`);
      return ['succeeded', 'failed', 'halted'].includes(last.state) ? last : undefined;
    }, 60_000).catch((e: unknown) => {
      throw new Error(`${String(e)}; job ${JSON.stringify(last)}; server output:\n${s.process.output()}`);
    });
    expect(end.state).toBe('succeeded');
    expect(end.counts.succeeded).toBe(HOSTS.length);
    const hosts = await api<Page<HostRecord>>(s, 'GET', `/v1/jobs/${job.id}/hosts`);
    expect(hosts.items.map((h) => [h.host, h.state, h.exitCode])).toEqual(
      HOSTS.map((h) => [h, 'succeeded', 0]),
    );
    const raw = await fetch(`${s.url}/v1/jobs/${job.id}/hosts/pg-b/output?format=raw`, {
      headers: { authorization: `Bearer ${s.token}` },
    });
    expect(await raw.text()).toBe('hello from pg-b\n');
    const { items } = await api<{ items: EventRecord[] }>(s, 'GET', `/v1/jobs/${job.id}/events?limit=1000`);
    expect(items.filter((e) => e.type === 'host:succeeded')).toHaveLength(HOSTS.length);

    // The same facts, read from the schema itself.
    const [row] = await adminQuery<{ state: string; lease_epoch: number }>(
      `SELECT state, lease_epoch::int AS lease_epoch FROM ${schema}.jobs WHERE id = $1`,
      [job.id],
    );
    expect(row?.state).toBe('succeeded');
    expect(row?.lease_epoch).toBeGreaterThanOrEqual(1);
    const events = await adminQuery<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${schema}.events WHERE job_id = $1`,
      [job.id],
    );
    expect(events[0]?.n).toBe(items.length);
    const output = await adminQuery<{ host: string; text: string }>(
      `SELECT host, convert_from(data, 'UTF8') AS text FROM ${schema}.output WHERE job_id = $1 ORDER BY host`,
      [job.id],
    );
    expect(output).toEqual(HOSTS.map((h) => ({ host: h, text: `hello from ${h}\n` })));
    const users = await adminQuery<{ name: string }>(`SELECT name FROM ${schema}.users`);
    expect(users.map((u) => u.name)).toEqual(['admin']);
  }, 90_000);
});
