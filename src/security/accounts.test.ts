// Accounts over a real SQLite store: token checks (unknown, revoked, expired, revoked user), trusted names, audit.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../model/index.ts';
import { isPogoError } from '../model/index.ts';
import type { Store } from '../store/index.ts';
import { openSqliteStore } from '../store/index.ts';
import { Accounts } from './accounts.ts';

const ADMIN: Actor = { user: 'root', role: 'admin', remote: '10.0.0.1' };
let dir = '';
let store: Store;
let now = 1_000_000;
let accounts: Accounts;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-accounts-unit-'));
  store = openSqliteStore(join(dir, 'pogo.db'));
  await store.migrate();
  accounts = new Accounts(store, { now: () => now });
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e: unknown) {
    return isPogoError(e) ? e.code : String(e);
  }
}

describe('Accounts', () => {
  it('admits a live token as its user with grants, the highest role shown as role', async () => {
    const { token } = await accounts.addUser(
      'ann',
      [
        { namespace: 'web', role: 'admin' },
        { namespace: '*', role: 'viewer' },
      ],
      {},
      ADMIN,
    );
    expect(await accounts.authenticate(token, '::1')).toEqual({
      user: 'ann',
      role: 'admin',
      remote: '::1',
      grants: [
        { namespace: '*', role: 'viewer' },
        { namespace: 'web', role: 'admin' },
      ],
    });
    expect(await codeOf(accounts.authenticate('pogo_unknown', '::1'))).toBe('API_UNAUTHORIZED');
  });

  it('refuses expired tokens (AUTH_TOKEN_EXPIRED), revoked ones and revoked users (API_UNAUTHORIZED), audited', async () => {
    await accounts.addUser('bob', [{ namespace: '*', role: 'operator' }], {}, ADMIN);
    const short = await accounts.createToken('bob', { expiresAt: now + 10 }, ADMIN);
    const other = await accounts.createToken('bob', { label: 'ci' }, ADMIN);
    now += 10;
    expect(await codeOf(accounts.authenticate(short.token, 'x'))).toBe('AUTH_TOKEN_EXPIRED');
    await accounts.revokeToken('bob', other.info.id, ADMIN);
    expect(await codeOf(accounts.authenticate(other.token, 'x'))).toBe('API_UNAUTHORIZED');
    const third = await accounts.createToken('bob', {}, ADMIN);
    expect(await codeOf(accounts.authenticate(third.token, 'x'))).toBe('ok');
    await accounts.revokeUser('bob', ADMIN);
    expect(await codeOf(accounts.authenticate(third.token, 'x'))).toBe('API_UNAUTHORIZED');
    expect(await codeOf(accounts.createToken('bob', {}, ADMIN))).toBe('STORE_CONFLICT');
    expect(await codeOf(accounts.actorFor('bob', 'x'))).toBe('API_UNAUTHORIZED');
    const denied = await store.readAudit({ action: 'auth.denied' });
    expect(denied.map((e) => e.detail)).toEqual([
      `token ${third.info.id}: revoked`,
      `token ${other.info.id}: revoked`,
      `token ${short.info.id}: expired`,
    ]);
    const all = JSON.stringify(await store.readAudit({}));
    for (const t of [short.token, other.token, third.token]) expect(all).not.toContain(t);
  });

  it('names a trusted user by name only when they exist and are not revoked', async () => {
    await accounts.addUser('cy', [{ namespace: 'db', role: 'viewer' }], {}, ADMIN);
    expect(await accounts.actorFor('cy', '10.0.0.2')).toMatchObject({ user: 'cy', role: 'viewer' });
    expect(await codeOf(accounts.actorFor('nobody', '10.0.0.2'))).toBe('API_UNAUTHORIZED');
  });
});
