// Every route × every kind of caller: who is let through and who gets 401/403. A route without a row fails.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildApi } from '../../src/api/index.ts';
import type { Actor, RoleGrant } from '../../src/model/index.ts';
import { Accounts, hashToken } from '../../src/security/index.ts';
import type { Store } from '../../src/store/index.ts';
import { openSqliteStore } from '../../src/store/index.ts';
import { MemoryService } from '../support/memory-service.ts';

const CALLERS = [
  'none',
  'viewerA',
  'operatorA',
  'adminA',
  'operatorB',
  'adminStar',
  'expired',
  'revoked',
] as const;
type Caller = (typeof CALLERS)[number];

/** Who may call a route, by rule. */
const ALLOW = {
  /** Needs no token. */
  public: CALLERS,
  /** Any role on any namespace. */
  anyone: ['viewerA', 'operatorA', 'adminA', 'operatorB', 'adminStar'],
  /** viewer on namespace a. */
  viewA: ['viewerA', 'operatorA', 'adminA', 'adminStar'],
  /** operator on namespace a. */
  operateA: ['operatorA', 'adminA', 'adminStar'],
  /** admin on namespace a. */
  adminA: ['adminA', 'adminStar'],
  /** a grant on `*` (admin, or viewer for host history): only adminStar has one. */
  star: ['adminStar'],
} as const satisfies Record<string, readonly Caller[]>;

const CONFIG = { text: 'tag:\n  web: [h1, h2]\n' };
let userSeq = 0;

/** The expected rule and a valid request for every route; keys are `METHOD /path/:param`. */
const MATRIX: Record<string, { allow: keyof typeof ALLOW; body?: () => unknown }> = {
  'POST /v1/jobs': { allow: 'operateA', body: () => ({ command: 'uptime', targets: 'h1', namespace: 'a' }) },
  'GET /v1/jobs': { allow: 'anyone' },
  'GET /v1/jobs/:ref': { allow: 'viewA' },
  'POST /v1/jobs/:ref/halt': { allow: 'operateA', body: () => ({}) },
  'POST /v1/jobs/:ref/resume': { allow: 'operateA', body: () => ({}) },
  'POST /v1/jobs/:ref/retry': { allow: 'operateA', body: () => ({ hosts: ['h1'] }) },
  'POST /v1/jobs/:ref/skip': { allow: 'operateA', body: () => ({ hosts: ['h2'] }) },
  'POST /v1/jobs/:ref/rollback': { allow: 'operateA', body: () => ({ command: 'undo' }) },
  'GET /v1/jobs/:ref/hosts': { allow: 'viewA' },
  'GET /v1/jobs/:ref/hosts/:host': { allow: 'viewA' },
  'GET /v1/jobs/:ref/hosts/:host/output': { allow: 'viewA' },
  'GET /v1/jobs/:ref/events': { allow: 'viewA' },
  'GET /v1/jobs/:ref/snapshot': { allow: 'viewA' },
  'GET /v1/jobs/:ref/plan': { allow: 'viewA' },
  'GET /v1/jobs/:ref/output-groups': { allow: 'viewA' },
  'GET /v1/hosts/:host/history': { allow: 'star' },
  'GET /v1/namespaces': { allow: 'anyone' },
  'GET /v1/namespaces/:ns': { allow: 'viewA' },
  'PUT /v1/namespaces/:ns': { allow: 'adminA', body: () => CONFIG },
  'POST /v1/namespaces/:ns/validate': { allow: 'adminA', body: () => CONFIG },
  'POST /v1/namespaces/:ns/plan': { allow: 'viewA', body: () => ({ targets: 'h1' }) },
  'GET /v1/namespaces/:ns/overview': { allow: 'viewA' },
  'POST /v1/namespaces/:ns/targets': { allow: 'viewA', body: () => ({ targets: 'h1' }) },
  'GET /v1/namespaces/:ns/tags': { allow: 'viewA' },
  'GET /v1/workers': { allow: 'anyone' },
  'GET /v1/workers/certificates': { allow: 'anyone' },
  'GET /v1/audit': { allow: 'star' },
  'GET /v1/me': { allow: 'anyone' },
  'GET /v1/users': { allow: 'star' },
  'POST /v1/users': { allow: 'star', body: () => ({ name: `new-${++userSeq}`, role: 'viewer' }) },
  'DELETE /v1/users/:name': { allow: 'star' },
  'POST /v1/users/:name/tokens': { allow: 'star', body: () => ({ label: 'matrix' }) },
  'DELETE /v1/users/:name/tokens/:id': { allow: 'star' },
  'PUT /v1/users/:name/grants/:ns': { allow: 'star', body: () => ({ role: 'viewer' }) },
  'DELETE /v1/users/:name/grants/:ns': { allow: 'star' },
  'GET /healthz': { allow: 'public' },
  'GET /readyz': { allow: 'public' },
  'GET /metrics': { allow: 'public' },
  'GET /v1/openapi.json': { allow: 'public' },
};

let dir = '';
let store: Store;
let app: FastifyInstance;
const tokens = new Map<Caller, string>();
const params: Record<string, string> = { host: 'h1', ns: 'a', name: 'target', id: 'target-tok' };

async function addUser(accounts: Accounts, name: string, grants: RoleGrant[]): Promise<string> {
  const admin: Actor = { user: 'setup', role: 'admin', remote: 'test' };
  const { token } = await accounts.addUser(name, grants, {}, admin);
  return token;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-matrix-'));
  store = openSqliteStore(join(dir, 'pogo.db'));
  await store.migrate();
  const accounts = new Accounts(store);
  const a = (role: RoleGrant['role']): RoleGrant[] => [{ namespace: 'a', role }];
  tokens.set('viewerA', await addUser(accounts, 'viewer-a', a('viewer')));
  tokens.set('operatorA', await addUser(accounts, 'operator-a', a('operator')));
  tokens.set('adminA', await addUser(accounts, 'admin-a', a('admin')));
  tokens.set('operatorB', await addUser(accounts, 'operator-b', [{ namespace: 'b', role: 'operator' }]));
  tokens.set('adminStar', await addUser(accounts, 'admin-star', [{ namespace: '*', role: 'admin' }]));
  await store.createUser('expired', a('operator'), 1);
  await store.addToken({
    user: 'expired',
    id: 'exp',
    hash: hashToken('pogo_expired'),
    label: '',
    createdAt: 1,
    expiresAt: 2,
  });
  tokens.set('expired', 'pogo_expired');
  tokens.set('revoked', await addUser(accounts, 'revoked', a('operator')));
  const revoked = (await store.listUsers()).find((u) => u.name === 'revoked')?.tokens[0]?.id ?? '';
  await store.revokeToken('revoked', revoked, Date.now());
  await store.createUser('target', [], 1);
  await store.addToken({
    user: 'target',
    id: 'target-tok',
    hash: hashToken('pogo_target'),
    label: '',
    createdAt: 1,
    expiresAt: null,
  });

  const service = new MemoryService();
  const setup: Actor = { user: 'setup', role: 'admin', remote: 'test' };
  await service.putNamespace('a', CONFIG.text, setup);
  params.ref = (await service.submitJob({ command: 'uptime', targets: 'h1,h2', namespace: 'a' }, setup)).id;
  app = await buildApi({ service, accounts, logger: false });
});

afterAll(async () => {
  await app.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** Every route the app serves: the OpenAPI document's operations, and the document itself. */
async function servedRoutes(): Promise<string[]> {
  const doc = (await app.inject({ method: 'GET', url: '/v1/openapi.json' })).json<{
    paths: Record<string, Record<string, unknown>>;
  }>();
  const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
  );
  return [...routes, 'GET /v1/openapi.json'].sort();
}

/** Every route Fastify itself knows, read from its route tree (so a route hidden from OpenAPI counts too). */
function fastifyRoutes(): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│├└─\s]*?)(\/\S*)(?: \(([^)]+)\))?$/.exec(line);
    if (!m?.[2]) continue;
    const depth = Math.round((m[1]?.length ?? 0) / 4) - 1;
    stack.length = depth;
    stack.push(m[2]);
    for (const method of m[3]?.split(',') ?? []) out.push(`${method.trim()} ${stack.join('')}`);
  }
  return out.sort();
}

describe('role × endpoint matrix', () => {
  test('every route served has a row, and every row is a route', async () => {
    expect(await servedRoutes()).toEqual(Object.keys(MATRIX).sort());
    expect(fastifyRoutes()).toEqual(Object.keys(MATRIX).sort());
  });

  // Callers run in this order so that revoking `target` (DELETE /v1/users/:name) comes last.
  test.each(Object.keys(MATRIX))('%s', async (route) => {
    const entry = MATRIX[route];
    if (!entry) throw new Error(`no row for ${route}`);
    const [method = 'GET', path = ''] = route.split(' ');
    const url = path.replace(/:(\w+)/g, (_, name: string) => params[name] ?? name);
    const outcomes: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const caller of CALLERS) {
      const token = tokens.get(caller);
      const body = entry.body?.();
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      const denied = res.statusCode === 401 || res.statusCode === 403;
      // An allowed call may still be refused for what it asks (404, 409), but never fail the server.
      outcomes[caller] = denied
        ? `deny ${res.statusCode}`
        : res.statusCode >= 500
          ? `error ${res.statusCode}`
          : 'allow';
      const allowed = (ALLOW[entry.allow] as readonly Caller[]).includes(caller);
      const noAccess = caller === 'none' || caller === 'expired' || caller === 'revoked';
      expected[caller] = allowed ? 'allow' : `deny ${noAccess ? 401 : 403}`;
      if (caller === 'expired' && !allowed) {
        expect(res.json<{ error: { code: string } }>().error.code).toBe('AUTH_TOKEN_EXPIRED');
      }
    }
    expect({ route, ...outcomes }).toEqual({ route, ...expected });
  });
});
