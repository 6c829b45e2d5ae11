// Namespace routes over app.inject: upload as raw YAML or JSON, versions, validate, plan preview.
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, test } from 'vitest';
import type { ApiErrorBody, NamespaceVersion } from '../../model/index.ts';
import { MemoryService } from '../../../test/support/memory-service.ts';
import { buildApi } from '../app.ts';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

const CONFIG = `tag:
  frontend: ['web[01-04]']
  cache: [cache1, cache2]
sequence:
  - [$cache, $frontend]
constraint:
  $frontend: { max_parallel: 25% }
`;

async function setup() {
  const service = new MemoryService();
  const app = await buildApi({ service });
  apps.push(app);
  const send = (method: 'PUT' | 'POST', url: string, payload: string | object, contentType?: string) =>
    app.inject({
      method,
      url,
      headers: { authorization: 'Bearer admin-token', ...(contentType && { 'content-type': contentType }) },
      payload,
    });
  const get = (url: string) =>
    app.inject({ method: 'GET', url, headers: { authorization: 'Bearer viewer-token' } });
  return { service, app, send, get };
}

/** POST `payload` to `url` (namespace web holding CONFIG) and expect a 400 with `message`. */
async function expectRefused(url: string, payload: object, message: string): Promise<void> {
  const { send } = await setup();
  await send('PUT', '/v1/namespaces/web', { text: CONFIG });
  const res = await send('POST', url, payload);
  expect(res.statusCode).toBe(400);
  expect(res.json<ApiErrorBody>().error.message).toBe(message);
}

describe('PUT /v1/namespaces/:ns', () => {
  test.each(['application/yaml', 'text/yaml', 'text/plain', 'application/yaml; charset=utf-8'])(
    'takes raw YAML as %s: 201 with the version, text kept verbatim',
    async (contentType) => {
      const { send } = await setup();
      const res = await send('PUT', '/v1/namespaces/web-prod', CONFIG, contentType);
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ namespace: 'web-prod', version: 1, text: CONFIG, user: 'ada' });
    },
  );

  test('takes JSON { text }; each upload is a new version; GET reads newest or ?version', async () => {
    const { send, get } = await setup();
    expect((await send('PUT', '/v1/namespaces/web', { text: CONFIG })).json<NamespaceVersion>().version).toBe(
      1,
    );
    const second = `${CONFIG}# v2\n`;
    expect((await send('PUT', '/v1/namespaces/web', { text: second })).json<NamespaceVersion>().version).toBe(
      2,
    );
    expect((await get('/v1/namespaces/web')).json()).toMatchObject({ version: 2, text: second });
    expect((await get('/v1/namespaces/web?version=1')).json()).toMatchObject({ version: 1, text: CONFIG });
    expect((await get('/v1/namespaces/web?version=3')).statusCode).toBe(404);
    expect((await get('/v1/namespaces/web?version=0')).json<ApiErrorBody>().error.message).toContain(
      'query.version: too small',
    );
    const list = (await get('/v1/namespaces')).json<{ items: NamespaceVersion[] }>();
    expect(list.items).toEqual([expect.objectContaining({ namespace: 'web', version: 2 })]);
  });

  test('a config error is 400 with its code and position', async () => {
    const { send } = await setup();
    const res = await send('PUT', '/v1/namespaces/web', 'sequence:\n  - [$nope]\n', 'application/yaml');
    expect(res.statusCode).toBe(400);
    expect(res.json<ApiErrorBody>().error.code).toBe('CONFIG_UNKNOWN_TAG');
    expect(res.json<ApiErrorBody>().error.message).toMatch(/^<web>:2:\d+: /);
  });

  test('a JSON body must be { text: string } and nothing else', async () => {
    const { send } = await setup();
    const res = await send('PUT', '/v1/namespaces/web', { txt: CONFIG });
    expect(res.statusCode).toBe(400);
    expect(res.json<ApiErrorBody>().error.message).toBe('body.text: required; body.txt: unknown field');
    const wrong = await send('PUT', '/v1/namespaces/web', { text: 42 });
    expect(wrong.json<ApiErrorBody>().error.message).toBe('body.text: expected string, received number');
  });

  test('a bad namespace name is refused before the service sees it', async () => {
    const { send } = await setup();
    const res = await send('PUT', '/v1/namespaces/-bad', CONFIG, 'text/yaml');
    expect(res.statusCode).toBe(400);
    expect(res.json<ApiErrorBody>().error.message).toContain('params.ns: expected letters, digits');
  });
});

describe('POST /v1/namespaces/:ns/validate', () => {
  test('answers 200 with the check, good or bad, and stores nothing; it needs admin (it runs tag sources)', async () => {
    const { app, get } = await setup();
    const check = (payload: string, token = 'admin-token') =>
      app.inject({
        method: 'POST',
        url: '/v1/namespaces/web/validate',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/yaml' },
        payload,
      });
    expect((await check(CONFIG, 'viewer-token')).statusCode).toBe(403);
    const good = await check(CONFIG);
    expect(good.statusCode).toBe(200);
    expect(good.json()).toEqual({ ok: true, hosts: 6, tags: 2, groups: 1, chains: 1 });
    const bad = await check('constraint:\n  $x: { max_parallel: 1 }\n');
    expect(bad.statusCode).toBe(200);
    expect(bad.json()).toMatchObject({ ok: false, code: 'CONFIG_UNKNOWN_TAG', line: 2 });
    expect((await get('/v1/namespaces/web')).statusCode).toBe(404);
  });
});

describe('POST /v1/namespaces/:ns/plan', () => {
  test('previews the plan for targets', async () => {
    const { send } = await setup();
    await send('PUT', '/v1/namespaces/web', { text: CONFIG });
    const res = await send('POST', '/v1/namespaces/web/plan', { targets: '$frontend', maxParallel: '2' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      namespace: 'web',
      configVersion: 1,
      hosts: ['web01', 'web02', 'web03', 'web04'],
    });
  });

  test.each([
    [{}, 'body.targets: required'],
    [{ targets: 'x', maxParallel: 3 }, 'body.maxParallel: expected string, received number'],
    [{ targets: 'x', max: '3' }, 'body.max: unknown field'],
  ])('rejects %j', (payload, message) => expectRefused('/v1/namespaces/web/plan', payload, message));
});

describe('POST /v1/namespaces/:ns/targets', () => {
  test('resolves an expression under the namespace config, to viewers too', async () => {
    const { app, send } = await setup();
    await send('PUT', '/v1/namespaces/web', { text: CONFIG });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/namespaces/web/targets',
      headers: { authorization: 'Bearer viewer-token' },
      payload: { targets: '$frontend !web02 & $frontend, cache2' },
    });
    const answer = res.json<{ hosts: string[]; configVersion: number }>();
    expect([res.statusCode, answer.configVersion]).toEqual([200, 1]);
    expect(answer.hosts).toEqual(['web01', 'web03', 'web04', 'cache2']);
  });

  test.each([
    [{}, 'body.targets: required'],
    [{ targets: '$nope' }, 'unknown tag $nope'],
    [{ targets: '@hosts.txt' }, '@hosts.txt: @file targets are read by the client'],
    [
      { targets: '$frontend &' },
      'an empty term (nothing after "&" or "!") in "$frontend &" (at character 12)',
    ],
  ])('refuses %j', (payload, message) => expectRefused('/v1/namespaces/web/targets', payload, message));
});
