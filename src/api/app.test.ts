// buildApi in-process: auth, the error shape and status mapping, request logs, and the probes.
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterEach, describe, expect, test } from 'vitest';
import type { ApiErrorBody } from '../model/index.ts';
import { MemoryService } from '../../test/support/memory-service.ts';
import { PogoError } from '../model/index.ts';
import { buildApi } from './app.ts';
import type { BuildApiOptions } from './app.ts';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function setup(options: Partial<BuildApiOptions> = {}) {
  const service = new MemoryService();
  const app = await buildApi({ service, ...options });
  apps.push(app);
  return { service, app };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const job = { command: 'uptime', targets: 'web[01-03]' };

describe('auth', () => {
  test('a request without a token is 401 API_UNAUTHORIZED', async () => {
    const { app } = await setup();
    const res = await app.inject({ method: 'GET', url: '/v1/jobs' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'API_UNAUTHORIZED', message: 'no bearer token' } });
  });

  test('an unknown token is 401', async () => {
    const { app } = await setup();
    const res = await app.inject({ method: 'GET', url: '/v1/jobs', headers: bearer('nope') });
    expect(res.statusCode).toBe(401);
    expect(res.json<ApiErrorBody>().error.code).toBe('API_UNAUTHORIZED');
  });

  test('a malformed Authorization header is 401, not a fallback to the query token', async () => {
    const { app } = await setup();
    const res = await app.inject({
      method: 'GET',
      url: '/v1/jobs?access_token=viewer-token',
      headers: { authorization: 'Basic dmVyYTp4' },
    });
    expect(res.statusCode).toBe(401);
  });

  test('a viewer cannot halt: 403 naming the role needed', async () => {
    const { app } = await setup();
    await app.inject({ method: 'POST', url: '/v1/jobs', headers: bearer('operator-token'), payload: job });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/jobs/last/halt',
      headers: bearer('viewer-token'),
    });
    expect(res.statusCode).toBe(403);
    expect(res.json<ApiErrorBody>().error).toMatchObject({ code: 'API_FORBIDDEN' });
    expect(res.json<ApiErrorBody>().error.message).toContain(
      'needs the operator role on some namespace; vera is viewer on *',
    );
  });

  test('an operator cannot push a namespace or read the audit trail; an admin can', async () => {
    const { app } = await setup();
    const put = (token: string) =>
      app.inject({
        method: 'PUT',
        url: '/v1/namespaces/web',
        headers: bearer(token),
        payload: { text: 'tag: {}' },
      });
    expect((await put('operator-token')).statusCode).toBe(403);
    expect((await put('admin-token')).statusCode).toBe(201);
    const audit = (token: string) => app.inject({ method: 'GET', url: '/v1/audit', headers: bearer(token) });
    expect((await audit('operator-token')).json<ApiErrorBody>().error.message).toContain(
      'needs the admin role',
    );
    expect((await audit('admin-token')).statusCode).toBe(200);
  });

  test('403 comes before validation: a viewer learns nothing about the body rules', async () => {
    const { app } = await setup();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/jobs',
      headers: bearer('viewer-token'),
      payload: { nonsense: true },
    });
    expect(res.statusCode).toBe(403);
  });

  test('?access_token works for GET only', async () => {
    const { app } = await setup();
    const get = await app.inject({ method: 'GET', url: '/v1/me?access_token=operator-token' });
    expect(get.statusCode).toBe(200);
    expect(get.json()).toEqual({ user: 'otto', role: 'operator', remote: '127.0.0.1' });
    const post = await app.inject({
      method: 'POST',
      url: '/v1/jobs?access_token=operator-token',
      payload: job,
    });
    expect(post.statusCode).toBe(401);
  });

  test('the actor, with the remote address, reaches the service (audit trail)', async () => {
    const { app, service } = await setup();
    await app.inject({
      method: 'POST',
      url: '/v1/jobs',
      headers: bearer('operator-token'),
      payload: job,
      remoteAddress: '10.1.2.3',
    });
    const audit = await service.readAudit({});
    expect(audit[0]).toMatchObject({ user: 'otto', action: 'job.submit', remote: '10.1.2.3' });
  });
});

describe('errors', () => {
  test('an unknown route is a JSON 404 API_NOT_FOUND', async () => {
    const { app } = await setup();
    const res = await app.inject({ method: 'GET', url: '/v1/nothing-here?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.json<ApiErrorBody>().error).toEqual({
      code: 'API_NOT_FOUND',
      message: 'no route GET /v1/nothing-here',
      hint: 'the routes are listed at /v1/openapi.json',
    });
  });

  test('a wrong method on a known path is 404 too', async () => {
    const { app } = await setup();
    const res = await app.inject({ method: 'DELETE', url: '/v1/jobs', headers: bearer('admin-token') });
    expect(res.statusCode).toBe(404);
    expect(res.json<ApiErrorBody>().error.code).toBe('API_NOT_FOUND');
  });

  test('a body that is not JSON is 400 API_BAD_REQUEST in the same shape', async () => {
    const { app } = await setup();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/jobs',
      headers: { ...bearer('operator-token'), 'content-type': 'application/json' },
      payload: '{"command": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<ApiErrorBody>().error.code).toBe('API_BAD_REQUEST');
    expect(res.json<ApiErrorBody>().error.message).toMatch(/not valid JSON/);
  });

  test('a body over the limit is 413 API_BAD_REQUEST', async () => {
    const { app } = await setup({ bodyLimitBytes: 1024 });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/jobs',
      headers: bearer('operator-token'),
      payload: { ...job, command: 'x'.repeat(2000) },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json<ApiErrorBody>().error.code).toBe('API_BAD_REQUEST');
  });

  test('an unsupported content type is 415 API_BAD_REQUEST', async () => {
    const { app } = await setup();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/jobs',
      headers: { ...bearer('operator-token'), 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'command=uptime',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json<ApiErrorBody>().error.code).toBe('API_BAD_REQUEST');
  });

  test.each([
    ['STORE_NOT_FOUND', 404],
    ['JOB_BAD_STATE', 409],
    ['STORE_CONFLICT', 409],
    ['LEASE_LOST', 409],
    ['ENGINE_UNKNOWN_HOST', 404],
    ['CONFIG_UNKNOWN_TAG', 400],
    ['TARGETS_EMPTY', 400],
  ] as const)('the service failing with %s answers %i with that code', async (code, status) => {
    const { app, service } = await setup();
    service.failNext('listJobs', new PogoError(code, `it failed with ${code}`, { hint: 'try again' }));
    const res = await app.inject({ method: 'GET', url: '/v1/jobs', headers: bearer('viewer-token') });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual({ error: { code, message: `it failed with ${code}`, hint: 'try again' } });
  });

  test('STORE_UNAVAILABLE is 503 with a generic message (database URLs stay in the log)', async () => {
    const { app, service } = await setup();
    service.failNext(
      'listJobs',
      new PogoError('STORE_UNAVAILABLE', 'cannot connect to postgres://pogo:s3cret@db/pogo'),
    );
    const res = await app.inject({ method: 'GET', url: '/v1/jobs', headers: bearer('viewer-token') });
    expect(res.statusCode).toBe(503);
    expect(res.json<ApiErrorBody>().error.code).toBe('STORE_UNAVAILABLE');
    expect(res.body).not.toContain('s3cret');
  });

  test('an unexpected error is 500 INTERNAL without its message or stack; the log has it', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    const { app, service } = await setup({ logger });
    service.failNext('listJobs', new TypeError('cannot read properties of undefined (secret detail)'));
    const res = await app.inject({ method: 'GET', url: '/v1/jobs', headers: bearer('viewer-token') });
    expect(res.statusCode).toBe(500);
    expect(res.json<ApiErrorBody>().error).toEqual({
      code: 'INTERNAL',
      message: 'internal server error (the server log has the details)',
    });
    expect(res.body).not.toContain('secret detail');
    expect(lines.join('')).toContain('secret detail');
  });

  test('a PogoError with a code the API does not map is 500 INTERNAL', async () => {
    const { app, service } = await setup();
    service.failNext('listJobs', new PogoError('SSH_AUTH_FAILED', 'ssh said no to root@10.0.0.1'));
    const res = await app.inject({ method: 'GET', url: '/v1/jobs', headers: bearer('viewer-token') });
    expect(res.statusCode).toBe(500);
    expect(res.json<ApiErrorBody>().error.code).toBe('INTERNAL');
  });

  test('a failing token lookup maps like any other error (503 when the store is down)', async () => {
    const { app, service } = await setup();
    service.failNext('authenticate', new PogoError('STORE_UNAVAILABLE', 'disk full'));
    const res = await app.inject({ method: 'GET', url: '/v1/me', headers: bearer('viewer-token') });
    expect(res.statusCode).toBe(503);
  });
});

describe('logs', () => {
  test('request logs redact ?access_token and never carry the Authorization header', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const { app } = await setup({ logger: pino({ level: 'info' }, sink) });
    await app.inject({ method: 'GET', url: '/v1/me?access_token=viewer-token' });
    await app.inject({ method: 'GET', url: '/v1/me', headers: bearer('admin-token') });
    const log = lines.join('');
    expect(log).toContain('access_token=[redacted]');
    expect(log).not.toContain('viewer-token');
    expect(log).not.toContain('admin-token');
  });
});

describe('probes', () => {
  test('/healthz is 200 { ok: true } without a token', async () => {
    const { app, service } = await setup();
    service.failNext('readiness', new Error('not called'));
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
  });

  test('/readyz is 200 when ready and 503 with the reason when not', async () => {
    const { app, service } = await setup();
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    service.readinessState = { ready: false, reason: 'recovering 3 jobs' };
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ ready: false, reason: 'recovering 3 jobs' });
  });

  test('/readyz is 503 when the check itself fails', async () => {
    const { app, service } = await setup();
    service.failNext('readiness', new Error('db gone'));
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ ready: false, reason: 'the readiness check failed' });
  });

  test('/metrics is Prometheus text 0.0.4 without a token', async () => {
    const { app, service } = await setup();
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.body).toBe(service.metrics);
  });
});

describe('system routes', () => {
  test('/v1/workers lists the connected workers', async () => {
    const { app, service } = await setup();
    const worker = {
      instance: 'w1-abc',
      name: 'w1',
      capacity: 50,
      running: 3,
      connectedAt: 1,
      lastSeenAt: 2,
      remote: '10.0.0.9',
    };
    service.workerList = [worker];
    const res = await app.inject({ method: 'GET', url: '/v1/workers', headers: bearer('viewer-token') });
    expect(res.json()).toEqual({ items: [worker] });
  });

  test('/v1/audit filters by subject and user and limits, newest first', async () => {
    const { app } = await setup();
    const submit = (token: string) =>
      app.inject({ method: 'POST', url: '/v1/jobs', headers: bearer(token), payload: job });
    await submit('operator-token');
    await submit('admin-token');
    await app.inject({ method: 'POST', url: '/v1/jobs/j000001/halt', headers: bearer('operator-token') });
    const audit = (query: string) =>
      app.inject({ method: 'GET', url: `/v1/audit?${query}`, headers: bearer('admin-token') });
    const bySubject = (await audit('subject=j000001')).json<{ items: { action: string }[] }>();
    expect(bySubject.items.map((a) => a.action)).toEqual(['job.halt', 'job.submit']);
    const byUser = (await audit('user=ada')).json<{ items: { subject: string }[] }>();
    expect(byUser.items.map((a) => a.subject)).toEqual(['j000002']);
    expect((await audit('limit=1')).json<{ items: unknown[] }>().items).toHaveLength(1);
    expect((await audit('limit=0')).json<ApiErrorBody>().error.message).toContain('query.limit: too small');
  });
});
