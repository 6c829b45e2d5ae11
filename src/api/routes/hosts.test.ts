// Host routes over app.inject: a job's hosts, one host, its output as JSON or raw bytes, and host history.
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, test } from 'vitest';
import type { ApiErrorBody, HostRecord, Page } from '../../model/index.ts';
import type { OutputPageJson } from './hosts.ts';
import { MemoryService } from '../../../test/support/memory-service.ts';
import { buildApi } from '../app.ts';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

/** An app with one job (j000001, by otto) on web01..web04; web02 failed. */
async function setup() {
  const service = new MemoryService();
  const app = await buildApi({ service });
  apps.push(app);
  const get = (url: string, headers: Record<string, string> = {}, token = 'viewer-token') =>
    app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}`, ...headers } });
  await app.inject({
    method: 'POST',
    url: '/v1/jobs',
    headers: { authorization: 'Bearer operator-token' },
    payload: { command: 'uptime', targets: 'web[01-04]' },
  });
  service.setHost('j000001', 'web02', { state: 'failed', exitCode: 3, message: 'exit 3' });
  return { service, app, get };
}

describe('GET /v1/jobs/:ref/hosts', () => {
  test('pages hosts in plan order, filtered by state and name', async () => {
    const { get } = await setup();
    const first = (await get('/v1/jobs/j000001/hosts?limit=3')).json<Page<HostRecord>>();
    expect(first.items.map((h) => h.host)).toEqual(['web01', 'web02', 'web03']);
    expect(first.next).toBeDefined();
    const rest = (await get(`/v1/jobs/j000001/hosts?limit=3&cursor=${first.next ?? ''}`)).json<
      Page<HostRecord>
    >();
    expect(rest.items.map((h) => h.host)).toEqual(['web04']);
    const failed = (await get('/v1/jobs/j000001/hosts?state=failed,lost')).json<Page<HostRecord>>();
    expect(failed.items).toEqual([expect.objectContaining({ host: 'web02', exitCode: 3 })]);
    const named = (await get('/v1/jobs/j000001/hosts?q=04')).json<Page<HostRecord>>();
    expect(named.items.map((h) => h.host)).toEqual(['web04']);
  });

  test('`last` is the caller’s newest job; a user with no jobs gets 404', async () => {
    const { get } = await setup();
    expect(
      (await get('/v1/jobs/last/hosts', {}, 'operator-token')).json<Page<HostRecord>>().items,
    ).toHaveLength(4);
    const none = await get('/v1/jobs/last/hosts', {}, 'viewer-token');
    expect(none.statusCode).toBe(404);
  });

  test.each([
    ['state=broken', 'query.state[0]: expected one of "waiting"|"ready"'],
    ['limit=5001', 'query.limit: too big'],
    ['limit=0', 'query.limit: too small'],
  ])('rejects ?%s', async (query, message) => {
    const { get } = await setup();
    const res = await get(`/v1/jobs/j000001/hosts?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json<ApiErrorBody>().error.message).toContain(message);
  });
});

describe('GET /v1/jobs/:ref/hosts/:host', () => {
  test('shows one host; an unknown host is 404', async () => {
    const { get } = await setup();
    expect((await get('/v1/jobs/j000001/hosts/web02')).json()).toMatchObject({
      jobId: 'j000001',
      host: 'web02',
      state: 'failed',
      message: 'exit 3',
    });
    const missing = await get('/v1/jobs/j000001/hosts/web99');
    expect(missing.statusCode).toBe(404);
    expect(missing.json<ApiErrorBody>().error.code).toBe('ENGINE_UNKNOWN_HOST');
  });

  test('host names longer than the router default (100 chars) are accepted', async () => {
    const { service, get } = await setup();
    const long = `${'a'.repeat(150)}.example.com`;
    await service.submitJob({ command: 'x', targets: long }, { user: 'otto', role: 'operator', remote: '' });
    expect((await get(`/v1/jobs/j000002/hosts/${long}`)).json<HostRecord>().host).toBe(long);
  });
});

describe('GET /v1/jobs/:ref/hosts/:host/output', () => {
  test('JSON by default: each chunk with base64 `data` and UTF-8 `text`', async () => {
    const { service, get } = await setup();
    service.appendOutput('j000001', 'web01', 'hello\n');
    service.appendOutput('j000001', 'web01', Buffer.from([0x62, 0x61, 0xff, 0x0a]), 'stderr');
    const res = await get('/v1/jobs/j000001/hosts/web01/output');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      attempt: 1,
      nextOffset: 10,
      total: 10,
      truncated: false,
      chunks: [
        expect.objectContaining({ offset: 0, stream: 'stdout', data: 'aGVsbG8K', text: 'hello\n' }),
        expect.objectContaining({ offset: 6, stream: 'stderr', data: 'YmH/Cg==', text: 'ba\uFFFD\n' }),
      ],
    });
  });

  test('raw with Accept: text/plain: the bytes, and X-Pogo-* headers', async () => {
    const { service, get } = await setup();
    service.appendOutput('j000001', 'web01', 'one\n');
    service.appendOutput('j000001', 'web01', 'two\n');
    service.setHost('j000001', 'web01', { truncated: true });
    const res = await get('/v1/jobs/j000001/hosts/web01/output?offset=2', { accept: 'text/plain' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.body).toBe('e\ntwo\n');
    expect(res.headers).toMatchObject({
      'x-pogo-attempt': '1',
      'x-pogo-next-offset': '8',
      'x-pogo-total': '8',
      'x-pogo-truncated': 'true',
    });
  });

  test('?format=raw wins over Accept; ?format=json too', async () => {
    const { service, get } = await setup();
    service.appendOutput('j000001', 'web01', Buffer.from([0, 1, 2, 255]));
    const raw = await get('/v1/jobs/j000001/hosts/web01/output?format=raw', { accept: 'application/json' });
    expect(raw.rawPayload).toEqual(Buffer.from([0, 1, 2, 255]));
    const json = await get('/v1/jobs/j000001/hosts/web01/output?format=json', { accept: 'text/plain' });
    expect(json.json<OutputPageJson>().chunks[0]?.data).toBe('AAEC/w==');
  });

  test('attempt, offset and limit reach the service; bad values are named', async () => {
    const { service, get } = await setup();
    service.appendOutput('j000001', 'web02', 'first try\n');
    service.setHost('j000001', 'web02', { attempt: 2 });
    service.appendOutput('j000001', 'web02', 'second\n');
    expect((await get('/v1/jobs/j000001/hosts/web02/output?format=raw')).body).toBe('second\n');
    expect((await get('/v1/jobs/j000001/hosts/web02/output?format=raw&attempt=1')).body).toBe('first try\n');
    const bad = await get('/v1/jobs/j000001/hosts/web02/output?attempt=0&offset=-1&format=text');
    expect(bad.statusCode).toBe(400);
    expect(bad.json<ApiErrorBody>().error.message).toBe(
      'query.attempt: too small: expected number to be >=1; query.offset: too small: expected number to be >=0; ' +
        'query.format: expected one of "json"|"raw"',
    );
  });
});

describe('GET /v1/hosts/:host/history', () => {
  test('runs of a host across jobs, newest first, limited', async () => {
    const { service, get } = await setup();
    await service.submitJob(
      { command: 'again', targets: 'web02' },
      { user: 'otto', role: 'operator', remote: '' },
    );
    const res = (await get('/v1/hosts/web02/history')).json<Page<HostRecord>>();
    expect(res.items.map((h) => h.jobId)).toEqual(['j000002', 'j000001']);
    expect((await get('/v1/hosts/web02/history?limit=1')).json<Page<HostRecord>>().items).toHaveLength(1);
    expect((await get('/v1/hosts/web02/history?limit=1001')).statusCode).toBe(400);
  });
});
