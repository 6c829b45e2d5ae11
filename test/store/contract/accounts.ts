// Store contract: namespace versions, users, tokens and the audit trail.
import { expect, it } from 'vitest';
import type { StoreRef } from './fixtures.ts';
import type { NewToken } from '../../../src/store/index.ts';
import { expectPogoError } from './fixtures.ts';

function token(
  user: string,
  id: string,
  hash: string,
  createdAt: number,
  expiresAt: number | null,
): NewToken {
  return { user, id, hash, label: `label of ${id}`, createdAt, expiresAt };
}

/** The namespace, user, token and audit tests of the contract. */
export function accountContract(store: StoreRef): void {
  it('keeps every namespace upload verbatim as a new version, counted from 1 per namespace', async () => {
    const text = 'hosts:\n  web: web[01-10]  \n# ünïcode ✓\n';
    expect(await store().putNamespace('web', text, 'alice', 10)).toEqual({
      namespace: 'web',
      version: 1,
      text,
      user: 'alice',
      createdAt: 10,
    });
    expect((await store().putNamespace('db', 'a: 1', 'bob', 11)).version).toBe(1);
    const v2 = await store().putNamespace('web', 'b: 2', 'bob', 12);
    expect(v2.version).toBe(2);
    expect(await store().getNamespace('web')).toEqual(v2);
    expect((await store().getNamespace('web', 1)).text).toBe(text);
    expect(await store().listNamespaces()).toEqual([
      { namespace: 'db', version: 1, text: 'a: 1', user: 'bob', createdAt: 11 },
      v2,
    ]);
    await expectPogoError(store().getNamespace('web', 3), 'STORE_NOT_FOUND');
    await expectPogoError(store().getNamespace('nope'), 'STORE_NOT_FOUND');
  });

  it('lists no namespaces, users or audit entries in a new store', async () => {
    expect(await store().listNamespaces()).toEqual([]);
    expect(await store().listUsers()).toEqual([]);
    expect(await store().readAudit({})).toEqual([]);
  });

  it('creates users once with their grants and finds a user by token hash', async () => {
    const star = { namespace: '*', role: 'operator' } as const;
    expect(await store().createUser('bob', [star], 5)).toEqual({
      name: 'bob',
      createdAt: 5,
      disabledAt: null,
      grants: [star],
    });
    await store().createUser('alice', [{ namespace: 'web', role: 'admin' }], 6);
    await expectPogoError(store().createUser('bob', [], 7), 'STORE_CONFLICT');
    const hash = 'a'.repeat(64);
    const laptop = await store().addToken(token('bob', 't-laptop', hash, 8, null));
    expect(laptop).toEqual({
      id: 't-laptop',
      label: 'label of t-laptop',
      createdAt: 8,
      expiresAt: null,
      revokedAt: null,
      lastUsedAt: null,
    });
    await store().addToken(token('bob', 't-ci', 'b'.repeat(64), 9, 1000));
    expect(await store().findToken(hash)).toEqual({
      user: { name: 'bob', createdAt: 5, disabledAt: null, grants: [star] },
      token: laptop,
    });
    expect(await store().findToken('c'.repeat(64))).toBeUndefined();
    await expectPogoError(store().addToken(token('alice', 't-x', hash, 10, null)), 'STORE_CONFLICT');
    await expectPogoError(
      store().addToken(token('alice', 't-ci', 'e'.repeat(64), 10, null)),
      'STORE_CONFLICT',
    );
    await expectPogoError(
      store().addToken(token('nobody', 't-y', 'd'.repeat(64), 10, null)),
      'STORE_NOT_FOUND',
    );
    const users = await store().listUsers();
    expect(users.map((u) => u.name)).toEqual(['alice', 'bob']);
    expect(users[1]?.tokens.map((t) => [t.id, t.expiresAt])).toEqual([
      ['t-laptop', null],
      ['t-ci', 1000],
    ]);
    expect(JSON.stringify(users)).not.toContain('aaaa');
  });

  it('grants a role per namespace (one role a namespace, `*` first) and takes it away', async () => {
    await store().createUser('carol', [], 1);
    await store().setGrant('carol', { namespace: 'web', role: 'viewer' }, 2);
    await store().setGrant('carol', { namespace: 'db', role: 'operator' }, 3);
    await store().setGrant('carol', { namespace: '*', role: 'viewer' }, 3);
    expect((await store().setGrant('carol', { namespace: 'web', role: 'admin' }, 4)).grants).toEqual([
      { namespace: '*', role: 'viewer' },
      { namespace: 'db', role: 'operator' },
      { namespace: 'web', role: 'admin' },
    ]);
    expect((await store().removeGrant('carol', 'db')).grants.map((g) => g.namespace)).toEqual(['*', 'web']);
    await expectPogoError(store().removeGrant('carol', 'db'), 'STORE_NOT_FOUND');
    await expectPogoError(
      store().setGrant('nobody', { namespace: 'web', role: 'viewer' }, 5),
      'STORE_NOT_FOUND',
    );
    await expectPogoError(store().getUser('nobody'), 'STORE_NOT_FOUND');
  });

  it('revokes one token by id, or a user with all their tokens; records a last use', async () => {
    await store().createUser('dave', [{ namespace: '*', role: 'viewer' }], 1);
    await store().addToken(token('dave', 't-1', '1'.repeat(64), 2, null));
    await store().addToken(token('dave', 't-2', '2'.repeat(64), 3, null));
    await store().addToken(token('dave', 't-3', '3'.repeat(64), 3, null));
    expect((await store().revokeToken('dave', 't-1', 10)).revokedAt).toBe(10);
    expect((await store().revokeToken('dave', 't-1', 11)).revokedAt).toBe(10);
    await expectPogoError(store().revokeToken('dave', 't-nope', 11), 'STORE_NOT_FOUND');
    await store().createUser('erin', [], 1);
    await expectPogoError(store().revokeToken('erin', 't-2', 11), 'STORE_NOT_FOUND');
    await store().touchToken('t-2', 12);
    expect((await store().findToken('2'.repeat(64)))?.token.lastUsedAt).toBe(12);
    expect((await store().revokeUser('dave', 20)).disabledAt).toBe(20);
    const tokens = (await store().listUsers()).find((u) => u.name === 'dave')?.tokens ?? [];
    expect(tokens.map((t) => t.revokedAt)).toEqual([10, 20, 20]);
    expect((await store().findToken('3'.repeat(64)))?.user.disabledAt).toBe(20);
    await expectPogoError(store().revokeUser('nobody', 20), 'STORE_NOT_FOUND');
  });

  it('appends audit entries and reads them newest first, by subject, by user, up to a limit', async () => {
    const entries = [
      { t: 1, user: 'alice', action: 'job.submit', subject: 'j1', detail: 'uptime', remote: '10.0.0.1' },
      { t: 2, user: 'bob', action: 'job.halt', subject: 'j1', detail: '', remote: '10.0.0.2' },
      { t: 3, user: 'alice', action: 'namespace.push', subject: 'web', detail: 'v2', remote: '::1' },
      { t: 4, user: 'alice', action: 'job.retry', subject: 'j1', detail: 'h3', remote: '10.0.0.1' },
    ];
    for (const e of entries) await store().appendAudit(e);
    const all = await store().readAudit({});
    expect(all.map(({ id: _id, ...e }) => e)).toEqual([...entries].reverse());
    const ids = all.map((e) => e.id);
    expect(new Set(ids).size).toBe(4);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    expect((await store().readAudit({ subject: 'j1' })).map((e) => e.t)).toEqual([4, 2, 1]);
    expect((await store().readAudit({ user: 'alice' })).map((e) => e.t)).toEqual([4, 3, 1]);
    expect((await store().readAudit({ user: 'alice', subject: 'j1' })).map((e) => e.t)).toEqual([4, 1]);
    expect((await store().readAudit({ limit: 2 })).map((e) => e.t)).toEqual([4, 3]);
    expect((await store().readAudit({ action: 'job.retry' })).map((e) => e.t)).toEqual([4]);
    expect((await store().readAudit({ action: 'job.' })).map((e) => e.t)).toEqual([4, 2, 1]);
    expect((await store().readAudit({ since: 3 })).map((e) => e.t)).toEqual([4, 3]);
  });
}
