// Job routes over app.inject: submit, list, show, halt, resume, retry, skip, rollback, and their validation.
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, test } from 'vitest';
import type { ApiErrorBody, JobRecord, JobView, Page } from '../../model/index.ts';
import { MemoryService } from '../../../test/support/memory-service.ts';
import { buildApi } from '../app.ts';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function setup() {
  const service = new MemoryService();
  const app = await buildApi({ service });
  apps.push(app);
  const call = (method: 'GET' | 'POST', url: string, payload?: object, token = 'operator-token') =>
    app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload && { payload }) });
  return { service, app, call };
}

describe('POST /v1/jobs', () => {
  test('submits a job: 201 with the JobRecord', async () => {
    const { call } = await setup();
    const res = await call('POST', '/v1/jobs', {
      command: 'sudo apt upgrade -y',
      targets: 'web[01-03]',
      maxParallel: '25%',
      maxFailures: '1',
      timeoutMs: 60_000,
      hooks: { pre: false, inlinePre: ['echo pre'] },
      file: { name: 'x.sh', contentBase64: Buffer.from('echo hi').toString('base64'), args: ['-v'] },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      id: 'j000001',
      user: 'otto',
      state: 'running',
      hostCount: 3,
      options: {
        maxParallel: '25%',
        task: { timeoutMs: 60_000, hooks: { pre: false, inlinePre: ['echo pre'] } },
      },
    });
  });

  test.each([
    [{ targets: 'h1' }, 'body.command: required'],
    [{ command: 'x', targets: 'h1', bogus: 1 }, 'body.bogus: unknown field'],
    [{ command: 'x', targets: 'h1', maxParallel: 'lots' }, 'body.maxParallel: expected N or N%'],
    [
      { command: 'x', targets: 'h1', maxFailures: '150%' },
      'body.maxFailures: expected a whole number, or a percentage',
    ],
    [{ command: 'x', targets: 'h1', timeoutMs: -5 }, 'body.timeoutMs: too small: expected number to be >0'],
    [
      { command: 'x', targets: 'h1', hooks: { pre: 'yes' } },
      'body.hooks.pre: expected boolean, received string',
    ],
    [
      { command: 'x', targets: 'h1', hooks: { inlinePost: [1] } },
      'body.hooks.inlinePost[0]: expected string',
    ],
    [{ command: 'x', targets: 'h1', namespace: '../etc' }, 'body.namespace: expected letters, digits'],
    [
      { command: 'x', targets: 'h1', file: { name: 'a', contentBase64: 'not base64!', args: [] } },
      'body.file.contentBase64: invalid base64',
    ],
  ])('rejects %j: %s', async (payload, message) => {
    const { call } = await setup();
    const res = await call('POST', '/v1/jobs', payload);
    expect(res.statusCode).toBe(400);
    expect(res.json<ApiErrorBody>().error.code).toBe('API_BAD_REQUEST');
    expect(res.json<ApiErrorBody>().error.message).toContain(message);
  });

  test('several problems are reported together', async () => {
    const { call } = await setup();
    const res = await call('POST', '/v1/jobs', { command: 7, extra: true });
    expect(res.json<ApiErrorBody>().error.message).toBe(
      'body.command: expected string, received number; body.targets: required; body.extra: unknown field',
    );
  });

  test('no body at all is "body: expected object"', async () => {
    const { call } = await setup();
    const res = await call('POST', '/v1/jobs');
    expect(res.statusCode).toBe(400);
    expect(res.json<ApiErrorBody>().error.message).toMatch(/^body: expected object/);
  });

  test("the service's own refusals keep their codes (bad targets → 400 TARGETS_*)", async () => {
    const { call } = await setup();
    const res = await call('POST', '/v1/jobs', { command: 'x', targets: 'web[05-01' });
    expect(res.statusCode).toBe(400);
    expect(res.json<ApiErrorBody>().error.code).toMatch(/^(TARGETS|CONFIG)_/);
  });
});

describe('GET /v1/jobs', () => {
  test('lists newest first with filters and cursor paging', async () => {
    const { call } = await setup();
    await call('POST', '/v1/jobs', { command: 'uptime', targets: 'a1' });
    await call('POST', '/v1/jobs', { command: 'reboot', targets: 'a2' });
    await call('POST', '/v1/jobs', { command: 'uptime -p', targets: 'a3' }, 'admin-token');
    const all = (await call('GET', '/v1/jobs', undefined, 'viewer-token')).json<Page<JobRecord>>();
    expect(all.items.map((j) => j.id)).toEqual(['j000003', 'j000002', 'j000001']);
    const q = (await call('GET', '/v1/jobs?q=uptime&user=otto')).json<Page<JobRecord>>();
    expect(q.items.map((j) => j.id)).toEqual(['j000001']);
    const first = (await call('GET', '/v1/jobs?limit=2')).json<Page<JobRecord>>();
    expect(first.items).toHaveLength(2);
    const second = (await call('GET', `/v1/jobs?limit=2&cursor=${first.next ?? ''}`)).json<Page<JobRecord>>();
    expect(second).toEqual({ items: [expect.objectContaining({ id: 'j000001' })] });
    const running = (await call('GET', '/v1/jobs?state=running,halted&host=a2')).json<Page<JobRecord>>();
    expect(running.items.map((j) => j.id)).toEqual(['j000002']);
  });

  test.each([
    ['state=running,bogus', 'query.state[1]: expected one of "pending"|"running"'],
    ['state=', 'query.state[0]: expected one of'],
    ['limit=0', 'query.limit: too small: expected number to be >=1'],
    ['limit=501', 'query.limit: too big: expected number to be <=500'],
    ['limit=ten', 'query.limit: expected number, received NaN'],
    ['sort=asc', 'query.sort: unknown field'],
  ])('rejects ?%s', async (query, message) => {
    const { call } = await setup();
    const res = await call('GET', `/v1/jobs?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json<ApiErrorBody>().error.message).toContain(message);
  });
});

describe('GET /v1/jobs/:ref', () => {
  test('accepts an id, a unique prefix and `last` (the caller’s newest job)', async () => {
    const { call } = await setup();
    for (let i = 1; i <= 9; i++) await call('POST', '/v1/jobs', { command: `c${i}`, targets: 'h1' });
    await call('POST', '/v1/jobs', { command: 'by ada', targets: 'h1' }, 'admin-token');
    expect((await call('GET', '/v1/jobs/j000001')).json()).toMatchObject({ id: 'j000001', live: true });
    expect((await call('GET', '/v1/jobs/j00001')).json<JobView>().id).toBe('j000010');
    expect((await call('GET', '/v1/jobs/last')).json<JobView>().id).toBe('j000009');
    expect((await call('GET', '/v1/jobs/last', undefined, 'admin-token')).json<JobView>().id).toBe('j000010');
  });

  test('an unknown job is 404 STORE_NOT_FOUND; an ambiguous prefix 409 STORE_CONFLICT', async () => {
    const { call } = await setup();
    await call('POST', '/v1/jobs', { command: 'a', targets: 'h1' });
    await call('POST', '/v1/jobs', { command: 'b', targets: 'h1' });
    const missing = await call('GET', '/v1/jobs/zzz');
    expect(missing.statusCode).toBe(404);
    expect(missing.json<ApiErrorBody>().error.code).toBe('STORE_NOT_FOUND');
    const ambiguous = await call('GET', '/v1/jobs/j00000');
    expect(ambiguous.statusCode).toBe(409);
    expect(ambiguous.json<ApiErrorBody>().error.code).toBe('STORE_CONFLICT');
  });
});

describe('operator verbs', () => {
  test('halt (with kill), then resume with no body or an empty JSON body', async () => {
    const { call, app, service } = await setup();
    await call('POST', '/v1/jobs', { command: 'a', targets: 'h1,h2' });
    const halted = await call('POST', '/v1/jobs/last/halt', { kill: true });
    expect(halted.statusCode).toBe(200);
    expect(halted.json()).toMatchObject({ state: 'halted', reason: 'halted by otto', live: false });
    expect((await service.readAudit({}))[0]).toMatchObject({ action: 'job.halt', detail: 'kill' });
    const again = await call('POST', '/v1/jobs/last/halt');
    expect(again.statusCode).toBe(409);
    expect(again.json<ApiErrorBody>().error.code).toBe('JOB_BAD_STATE');
    const resumed = await app.inject({
      method: 'POST',
      url: '/v1/jobs/last/resume',
      headers: { authorization: 'Bearer operator-token', 'content-type': 'application/json' },
    });
    expect(resumed.statusCode).toBe(200);
    expect(resumed.json<JobView>().state).toBe('running');
    await call('POST', '/v1/jobs/last/halt', {});
    expect((await call('POST', '/v1/jobs/last/resume', {})).json<JobView>().state).toBe('running');
  });

  test('halt and resume refuse unknown body fields', async () => {
    const { call } = await setup();
    await call('POST', '/v1/jobs', { command: 'a', targets: 'h1' });
    expect((await call('POST', '/v1/jobs/last/halt', { kil: true })).json<ApiErrorBody>().error.message).toBe(
      'body.kil: unknown field',
    );
    expect(
      (await call('POST', '/v1/jobs/last/halt', { kill: 'yes' })).json<ApiErrorBody>().error.message,
    ).toBe('body.kill: expected boolean, received string');
    expect(
      (await call('POST', '/v1/jobs/last/resume', { force: true })).json<ApiErrorBody>().error.message,
    ).toBe('body.force: unknown field');
  });

  test('retry a failed host, skip a waiting one; engine refusals map to 404 and 409', async () => {
    const { call, service } = await setup();
    await call('POST', '/v1/jobs', { command: 'a', targets: 'h1,h2,h3' });
    service.setHost('j000001', 'h1', { state: 'failed' });
    const retried = await call('POST', '/v1/jobs/j000001/retry', { hosts: ['h1'] });
    expect(retried.statusCode).toBe(200);
    expect((await call('GET', '/v1/jobs/j000001/hosts/h1')).json()).toMatchObject({
      state: 'waiting',
      attempt: 2,
    });
    const skipped = await call('POST', '/v1/jobs/j000001/skip', { hosts: ['h2', 'h3'] });
    expect(skipped.json<JobView>().counts).toMatchObject({ skipped: 2, waiting: 1 });
    const unknown = await call('POST', '/v1/jobs/j000001/retry', { hosts: ['nope'] });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<ApiErrorBody>().error.code).toBe('ENGINE_UNKNOWN_HOST');
    const bad = await call('POST', '/v1/jobs/j000001/retry', { hosts: ['h2'] });
    expect(bad.statusCode).toBe(409);
    expect(bad.json<ApiErrorBody>().error.code).toBe('ENGINE_BAD_TRANSITION');
  });

  test.each([
    [{ hosts: 'h1' }, 'body.hosts: expected array, received string'],
    [{ hosts: [] }, 'body.hosts: too small: expected array to have >=1 items'],
    [{ hosts: ['h1', 2] }, 'body.hosts[1]: expected string, received number'],
    [{ hosts: [''] }, 'body.hosts[0]: too small'],
    [{}, 'body.hosts: required'],
  ])('retry rejects %j', async (payload, message) => {
    const { call } = await setup();
    await call('POST', '/v1/jobs', { command: 'a', targets: 'h1' });
    const res = await call('POST', '/v1/jobs/last/retry', payload);
    expect(res.statusCode).toBe(400);
    expect(res.json<ApiErrorBody>().error.message).toContain(message);
  });

  test('more than 100,000 hosts in one call is refused', async () => {
    const { call } = await setup();
    await call('POST', '/v1/jobs', { command: 'a', targets: 'h1' });
    const hosts = Array.from({ length: 100_001 }, (_, i) => `h${i}`);
    const res = await call('POST', '/v1/jobs/last/skip', { hosts });
    expect(res.statusCode).toBe(400);
    expect(res.json<ApiErrorBody>().error.message).toContain('body.hosts: too big');
  });

  test('rollback: 201 with a new job over the succeeded hosts in reverse order', async () => {
    const { call, service } = await setup();
    await call('POST', '/v1/jobs', { command: 'deploy', targets: 'h1,h2,h3' });
    service.setHost('j000001', 'h1', { state: 'succeeded' });
    service.setHost('j000001', 'h3', { state: 'succeeded' });
    const res = await call('POST', '/v1/jobs/j000001/rollback', { command: 'undeploy' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      id: 'j000002',
      command: 'undeploy',
      targets: 'h3,h1',
      rollbackOf: 'j000001',
    });
    const empty = await call('POST', '/v1/jobs/j000002/rollback', { command: 'x' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json<ApiErrorBody>().error.code).toBe('JOB_BAD_REQUEST');
    expect(
      (await call('POST', '/v1/jobs/j000001/rollback', { command: '' })).json<ApiErrorBody>().error.message,
    ).toContain('body.command: too small');
  });
});
