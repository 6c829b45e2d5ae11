// Accounts through the API: trusted-proxy users, per-namespace lists, command-source configs, user routes, audit.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { buildApi } from '../../src/api/index.ts';
import type { Actor, AuditRecord, JobRecord, Page, RoleGrant } from '../../src/model/index.ts';
import { Accounts } from '../../src/security/index.ts';
import type { Store } from '../../src/store/index.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { MemoryService } from '../support/memory-service.ts';

const SETUP: Actor = { user: 'setup', role: 'admin', remote: 'test' };
let dir = '';
let store: Store;
let accounts: Accounts;
let service: MemoryService;
let app: FastifyInstance | undefined;
let clock = 1_800_000_000_000;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-accounts-'));
  store = openSqliteStore(join(dir, 'pogo.db'));
  await store.migrate();
  accounts = new Accounts(store, { now: () => clock });
  service = new MemoryService();
  await service.putNamespace('a', 'tag:\n  web: [h1]\n', SETUP);
  await service.putNamespace('b', 'tag:\n  web: [h2]\n', SETUP);
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

async function start(options: Partial<Parameters<typeof buildApi>[0]> = {}): Promise<FastifyInstance> {
  app = await buildApi({ service, accounts, logger: false, ...options });
  return app;
}
async function user(name: string, grants: RoleGrant[]): Promise<string> {
  return (await accounts.addUser(name, grants, {}, SETUP)).token;
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('trusted proxy', () => {
  const proxy = { networks: ['10.0.0.0/8', '::1/128'], userHeader: 'X-Forwarded-User' };

  test('a trusted address names the user; another address is ignored; tokens still work', async () => {
    const token = await user('alice', [{ namespace: 'a', role: 'viewer' }]);
    const api = await start({ trustedProxy: proxy });
    const me = (remoteAddress: string, headers: Record<string, string>) =>
      api.inject({ method: 'GET', url: '/v1/me', remoteAddress, headers });
    const trusted = await me('10.1.2.3', { 'x-forwarded-user': 'alice' });
    expect(trusted.statusCode).toBe(200);
    expect(trusted.json()).toMatchObject({ user: 'alice', remote: '10.1.2.3', grants: [{ namespace: 'a' }] });
    expect((await me('::1', { 'x-forwarded-user': 'alice' })).statusCode).toBe(200);
    expect((await me('::ffff:10.0.0.9', { 'x-forwarded-user': 'alice' })).statusCode).toBe(200);
    expect((await me('192.168.1.5', { 'x-forwarded-user': 'alice' })).statusCode).toBe(401);
    expect((await me('10.1.2.3', { 'x-forwarded-user': 'mallory' })).statusCode).toBe(401);
    expect((await me('192.168.1.5', bearer(token))).json()).toMatchObject({ user: 'alice' });
  });

  test('off by default: the header is never read', async () => {
    await user('alice', [{ namespace: '*', role: 'admin' }]);
    const api = await start();
    const res = await api.inject({
      method: 'GET',
      url: '/v1/me',
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-user': 'alice' },
    });
    expect(res.statusCode).toBe(401);
  });
});

describe('roles per namespace', () => {
  test('job lists show only the namespaces the caller may view', async () => {
    await service.submitJob({ command: 'uptime', targets: 'h1', namespace: 'a' }, SETUP);
    await service.submitJob({ command: 'uptime', targets: 'h2', namespace: 'b' }, SETUP);
    const viewer = await user('vic', [{ namespace: 'a', role: 'viewer' }]);
    const root = await user('root', [{ namespace: '*', role: 'viewer' }]);
    const api = await start();
    const list = async (token: string, query = '') =>
      (await api.inject({ method: 'GET', url: `/v1/jobs${query}`, headers: bearer(token) })).json<
        Page<JobRecord>
      >();
    expect((await list(viewer)).items.map((j) => j.namespace)).toEqual(['a']);
    expect((await list(root)).items.map((j) => j.namespace).sort()).toEqual(['a', 'b']);
    const other = await api.inject({ method: 'GET', url: '/v1/jobs?namespace=b', headers: bearer(viewer) });
    expect(other.statusCode).toBe(403);
    const namespaces = await api.inject({ method: 'GET', url: '/v1/namespaces', headers: bearer(viewer) });
    expect(namespaces.json<{ items: { namespace: string }[] }>().items.map((n) => n.namespace)).toEqual([
      'a',
    ]);
  });

  test('a config with a command source needs admin on *, even from an admin of its namespace', async () => {
    const adminA = await user('ann', [{ namespace: 'a', role: 'admin' }]);
    const root = await user('root', [{ namespace: '*', role: 'admin' }]);
    const api = await start();
    const push = (token: string, url: string, text: string) =>
      api.inject({
        method: url.endsWith('validate') ? 'POST' : 'PUT',
        url,
        headers: bearer(token),
        payload: { text },
      });
    const runs = 'tag:\n  inv: command ./inventory.sh\n';
    for (const url of ['/v1/namespaces/a', '/v1/namespaces/a/validate']) {
      const refused = await push(adminA, url, runs);
      expect(refused.statusCode).toBe(403);
      expect(refused.json<{ error: { message: string } }>().error.message).toMatch(
        /tag sources the server would run, read or fetch/,
      );
      expect([401, 403]).not.toContain((await push(root, url, runs)).statusCode);
    }
    expect((await push(adminA, '/v1/namespaces/a', 'tag:\n  web: [h9]\n')).statusCode).toBe(201);
  });
});

describe('user routes and the audit trail', () => {
  test('add, token, grant, revoke: each audited with who, where and what; no secret in lists', async () => {
    const root = await user('root', [{ namespace: '*', role: 'admin' }]);
    const api = await start();
    const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
      api.inject({
        method,
        url,
        headers: bearer(root),
        remoteAddress: '10.9.9.9',
        ...(payload && { payload }),
      });
    const added = await call('POST', '/v1/users', {
      name: 'bob',
      role: 'operator',
      namespace: 'a',
      label: 'laptop',
    });
    expect(added.statusCode).toBe(201);
    const bobToken = added.json<{ token: string }>().token;
    expect(bobToken).toMatch(/^pogo_/);
    const me = await api.inject({ method: 'GET', url: '/v1/me', headers: bearer(bobToken) });
    expect(me.json()).toMatchObject({ user: 'bob', role: 'operator' });
    const bad = await call('POST', '/v1/users', { name: 'bad name', role: 'boss' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { message: string } }>().error.message).toMatch(/name|role/);
    const past = await call('POST', '/v1/users/bob/tokens', { expiresAt: '2001-01-01T00:00:00Z' });
    expect(past.json<{ error: { message: string } }>().error.message).toMatch(/expiresAt/);
    clock += 1000;
    const second = await call('POST', '/v1/users/bob/tokens', {
      expiresAt: new Date(clock + 60_000).toISOString(),
    });
    expect(second.statusCode).toBe(201);
    const { token: t2, info } = second.json<{ token: string; info: { id: string } }>();
    expect((await call('PUT', '/v1/users/bob/grants/*', { role: 'viewer' })).statusCode).toBe(200);
    expect((await call('DELETE', `/v1/users/bob/tokens/${info.id}`)).statusCode).toBe(200);
    const revokedUse = await api.inject({ method: 'GET', url: '/v1/me', headers: bearer(t2) });
    expect(revokedUse.json()).toMatchObject({ error: { code: 'API_UNAUTHORIZED' } });
    const list = await call('GET', '/v1/users');
    expect(list.body).not.toContain(bobToken);
    expect(list.body).not.toMatch(/[0-9a-f]{64}/);
    expect((await call('DELETE', '/v1/users/bob')).json()).toMatchObject({ name: 'bob', disabledAt: clock });
    expect((await api.inject({ method: 'GET', url: '/v1/me', headers: bearer(bobToken) })).statusCode).toBe(
      401,
    );
    const audit = (await call('GET', '/v1/audit?subject=bob')).json<{ items: AuditRecord[] }>().items;
    expect(audit.map((e) => e.action)).toEqual([
      'auth.denied',
      'user.revoke',
      'auth.denied',
      'token.revoke',
      'user.grant',
      'token.create',
      'token.create',
      'user.add',
    ]);
    expect(
      audit
        .filter((e) => e.action !== 'auth.denied')
        .every((e) => e.user === 'root' && e.remote === '10.9.9.9'),
    ).toBe(true);
    expect(JSON.stringify(audit)).not.toContain('pogo_');
    const since = new Date(clock).toISOString();
    const recent = (await call('GET', `/v1/audit?action=token.&since=${since}`)).json<{
      items: AuditRecord[];
    }>();
    expect(recent.items.map((e) => e.action)).toEqual(['token.revoke', 'token.create']);
  });

  test('an expired token is 401 AUTH_TOKEN_EXPIRED; last use is written at most once a minute', async () => {
    const api = await start();
    const { token, info } = await accounts.createToken(
      (await accounts.addUser('eve', [{ namespace: '*', role: 'viewer' }], {}, SETUP)).user.name,
      { expiresAt: clock + 120_000 },
      SETUP,
    );
    const me = () => api.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) });
    const lastUsed = async () =>
      (await store.listUsers()).find((u) => u.name === 'eve')?.tokens.find((t) => t.id === info.id)
        ?.lastUsedAt;
    expect((await me()).statusCode).toBe(200);
    const first = clock;
    expect(await lastUsed()).toBe(first);
    clock += 30_000;
    await me();
    expect(await lastUsed()).toBe(first);
    clock += 31_000;
    await me();
    expect(await lastUsed()).toBe(clock);
    clock += 60_000;
    const expired = await me();
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ error: { code: 'AUTH_TOKEN_EXPIRED' } });
  });
});
