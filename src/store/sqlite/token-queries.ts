// API tokens: public id, hash of the secret (the secret is never stored), expiry, revocation, last use.
import type { TokenInfo } from '../../model/index.ts';
import { PogoError } from '../../model/index.ts';
import type { NewToken, TokenMatch } from '../types.ts';
import type { SqliteConnection } from './connection.ts';
import { isDuplicateKey } from './sqlite-errors.ts';
import { toUserRecord } from './user-rows.ts';
import type { TokenRow } from '../account-rows.ts';
import { TOKEN_COLUMNS, toTokenInfo } from '../account-rows.ts';

/** The tokens of `user`, oldest first. */
export function tokensOf(c: SqliteConnection, user: string): TokenInfo[] {
  return (
    c
      .prepare(`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE user_name = ? ORDER BY created_at, id`)
      .all(user) as TokenRow[]
  ).map(toTokenInfo);
}

/** Store a token; STORE_NOT_FOUND for an unknown user, STORE_CONFLICT for an id or hash stored already. */
export function addToken(c: SqliteConnection, t: NewToken): TokenInfo {
  if (c.prepare('SELECT 1 FROM users WHERE name = ?').get(t.user) === undefined)
    throw new PogoError('STORE_NOT_FOUND', `no user ${t.user}`);
  try {
    c.prepare(
      'INSERT INTO tokens (hash, id, user_name, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(t.hash, t.id, t.user, t.label, t.createdAt, t.expiresAt);
  } catch (e: unknown) {
    // The hash is not named: it identifies a secret.
    if (isDuplicateKey(e))
      throw new PogoError('STORE_CONFLICT', 'that token is stored already', { cause: e });
    throw e;
  }
  return {
    id: t.id,
    label: t.label,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    revokedAt: null,
    lastUsedAt: null,
  };
}

/** Revoke a token of `user` (the first revocation time stays); STORE_NOT_FOUND when it is not theirs. */
export function revokeToken(c: SqliteConnection, user: string, id: string, now: number): TokenInfo {
  c.prepare('UPDATE tokens SET revoked_at = coalesce(revoked_at, ?) WHERE user_name = ? AND id = ?').run(
    now,
    user,
    id,
  );
  const row = c
    .prepare(`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE user_name = ? AND id = ?`)
    .get(user, id) as TokenRow | undefined;
  if (row === undefined) throw new PogoError('STORE_NOT_FOUND', `${user} has no token ${id}`);
  return toTokenInfo(row);
}

/** The token with this hash and its user, or undefined. */
export function findToken(c: SqliteConnection, hash: string): TokenMatch | undefined {
  const row = c
    .prepare(
      `SELECT t.id, t.label, t.created_at, t.expires_at, t.revoked_at, t.last_used_at,
              u.name AS user_name, u.created_at AS user_created_at, u.disabled_at AS user_disabled_at
       FROM tokens t JOIN users u ON u.name = t.user_name WHERE t.hash = ?`,
    )
    .get(hash) as
    (TokenRow & { user_name: string; user_created_at: number; user_disabled_at: number | null }) | undefined;
  if (row === undefined) return undefined;
  const user = toUserRecord(c, {
    name: row.user_name,
    created_at: row.user_created_at,
    disabled_at: row.user_disabled_at,
  });
  return { user, token: toTokenInfo(row) };
}

/** Record a use of the token. */
export function touchToken(c: SqliteConnection, id: string, now: number): void {
  c.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?').run(now, id);
}
