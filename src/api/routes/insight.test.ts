// The UI's read routes over app.inject: a job's plan, its output groups, a namespace's overview; roles and errors.
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, test } from 'vitest';
import type {
  ApiErrorBody,
  JobPlanView,
  JobSnapshot,
  JobView,
  NamespaceOverview,
  OutputGroups,
} from '../../model/index.ts';
import { MemoryService } from '../../../test/support/memory-service.ts';
import { buildApi } from '../app.ts';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

const CONFIG = 'tag:\n  web: [web01, web02, web03]\nconstraint:\n  $web: { max_parallel: 1 }\n';

async function setup() {
  const service = new MemoryService();
  const app = await buildApi({ service });
  apps.push(app);
  const call = (method: 'GET' | 'POST' | 'PUT', url: string, token = 'viewer-token', payload?: unknown) =>
    app.inject({
      method,
      url,
      headers: token === '' ? {} : { authorization: `Bearer ${token}` },
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  expect((await call('PUT', '/v1/namespaces/web', 'admin-token', { text: CONFIG })).statusCode).toBe(201);
  await call('POST', '/v1/jobs', 'operator-token', {
    namespace: 'web',
    command: 'uptime',
    targets: '$web',
    maxParallel: '2',
  });
  return { service, call };
}

describe('UI read routes', () => {
  test('GET /v1/jobs/:ref/plan: hosts in plan order, groups by host index', async () => {
    const { call } = await setup();
    const res = await call('GET', '/v1/jobs/j000001/plan');
    expect(res.statusCode).toBe(200);
    const plan = res.json<JobPlanView>();
    expect(plan.hosts).toEqual(['web01', 'web02', 'web03']);
    expect(plan.groups).toEqual([expect.objectContaining({ id: '@job', limit: 2, hosts: [0, 1, 2] })]);
    expect((await call('GET', '/v1/jobs/nope/plan')).json<ApiErrorBody>().error.code).toBe('STORE_NOT_FOUND');
    expect((await call('GET', '/v1/jobs/j000001/plan', '')).statusCode).toBe(401);
  });

  test('GET /v1/jobs/:ref/output-groups: identical outputs together; JobView carries lastSeq', async () => {
    const { service, call } = await setup();
    for (const h of ['web01', 'web02', 'web03'])
      service.setHost('j000001', h, { state: 'succeeded', attempt: 1 });
    service.appendOutput('j000001', 'web01', 'same\n');
    service.appendOutput('j000001', 'web02', 'other\n');
    service.appendOutput('j000001', 'web03', 'same\n');
    const groups = (await call('GET', '/v1/jobs/j000001/output-groups')).json<OutputGroups>();
    expect(groups.groups.map((g) => g.hosts)).toEqual([['web01', 'web03'], ['web02']]);
    expect(groups.notRun).toBe(0);
    service.appendEvent('j000001', { type: 'host:started', t: 1, host: 'web01' });
    const view = (await call('GET', '/v1/jobs/j000001')).json<JobView>();
    expect(view.lastSeq).toBeGreaterThan(0);
    const snap = (await call('GET', '/v1/jobs/j000001/snapshot')).json<JobSnapshot>();
    expect(snap.job.lastSeq).toBe(view.lastSeq);
    expect(snap.hosts).toEqual(['web01', 'web02', 'web03']);
    expect(snap.state).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(snap.attempt).toEqual([1, 1, 1]);
  });

  test('GET /v1/namespaces/:ns/overview: hosts, tags, group use; unknown namespace 404', async () => {
    const { service, call } = await setup();
    service.setHost('j000001', 'web02', { state: 'running', attempt: 1 });
    const o = (await call('GET', '/v1/namespaces/web/overview')).json<NamespaceOverview>();
    expect(o.hosts).toEqual(['web01', 'web02', 'web03']);
    expect(o.tags).toEqual([{ path: 'web', hosts: ['web01', 'web02', 'web03'] }]);
    expect(o.groups).toEqual([expect.objectContaining({ id: 'web', limit: 1, running: 1, failed: 0 })]);
    expect((await call('GET', '/v1/namespaces/none/overview')).statusCode).toBe(404);
  });
});
