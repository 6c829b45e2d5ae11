// Store contract: namespace versions, users, tokens and the audit trail.
import { expect, it } from 'vitest';
import type { StoreRef } from './fixtures.ts';
import { expectPogoError } from './fixtures.ts';

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

  it('creates users once and finds a user by token hash', async () => {
    expect(await store().createUser('bob', 'operator', 5)).toEqual({
      name: 'bob',
      role: 'operator',
      createdAt: 5,
    });
    await store().createUser('alice', 'admin', 6);
    await expectPogoError(store().createUser('bob', 'viewer', 7), 'STORE_CONFLICT');
    expect(await store().listUsers()).toEqual([
      { name: 'alice', role: 'admin', createdAt: 6 },
      { name: 'bob', role: 'operator', createdAt: 5 },
    ]);
    const hash = 'a'.repeat(64);
    await store().addToken('bob', hash, 'laptop', 8);
    await store().addToken('bob', 'b'.repeat(64), 'ci', 9);
    expect(await store().userForToken(hash)).toEqual({ name: 'bob', role: 'operator', createdAt: 5 });
    expect(await store().userForToken('c'.repeat(64))).toBeUndefined();
    await expectPogoError(store().addToken('alice', hash, 'again', 10), 'STORE_CONFLICT');
    await expectPogoError(store().addToken('nobody', 'd'.repeat(64), 'x', 10), 'STORE_NOT_FOUND');
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
  });
}
