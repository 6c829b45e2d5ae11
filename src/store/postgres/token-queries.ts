// API tokens: public id, hash of the secret (the secret is never stored), expiry, revocation, last use.
import type { TokenInfo } from '../../model/index.ts';
import { PogoError } from '../../model/index.ts';
import type { NewToken, TokenMatch } from '../types.ts';
import type { Sql } from './pg-connection.ts';
import { isDuplicateKey } from './pg-errors.ts';
import { toUserRecord } from './user-rows.ts';
import type { TokenRow } from '../account-rows.ts';
import { TOKEN_COLUMNS, toTokenInfo } from '../account-rows.ts';

/** The tokens of `user`, oldest first. */
export async function tokensOf(s: Sql, user: string): Promise<TokenInfo[]> {
  const rows = await s.rows<TokenRow>(
    `SELECT ${TOKEN_COLUMNS} FROM tokens WHERE user_name = $1 ORDER BY created_at, id`,
    [user],
  );
  return rows.map(toTokenInfo);
}

/** Store a token; STORE_NOT_FOUND for an unknown user, STORE_CONFLICT for an id or hash stored already. */
export async function addToken(s: Sql, t: NewToken): Promise<TokenInfo> {
  if ((await s.first('SELECT 1 FROM users WHERE name = $1', [t.user])) === undefined)
    throw new PogoError('STORE_NOT_FOUND', `no user ${t.user}`);
  try {
    await s.run(
      'INSERT INTO tokens (hash, id, user_name, label, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [t.hash, t.id, t.user, t.label, t.createdAt, t.expiresAt],
    );
  } catch (e: unknown) {
    // The hash is not named (PostgreSQL's detail would): it identifies a secret.
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
export async function revokeToken(s: Sql, user: string, id: string, now: number): Promise<TokenInfo> {
  const row = await s.first<TokenRow>(
    `UPDATE tokens SET revoked_at = coalesce(revoked_at, $1) WHERE user_name = $2 AND id = $3
     RETURNING ${TOKEN_COLUMNS}`,
    [now, user, id],
  );
  if (row === undefined) throw new PogoError('STORE_NOT_FOUND', `${user} has no token ${id}`);
  return toTokenInfo(row);
}

/** The token with this hash and its user, or undefined. */
export async function findToken(s: Sql, hash: string): Promise<TokenMatch | undefined> {
  const row = await s.first<
    TokenRow & { user_name: string; user_created_at: number; user_disabled_at: number | null }
  >(
    `SELECT t.id, t.label, t.created_at, t.expires_at, t.revoked_at, t.last_used_at,
            u.name AS user_name, u.created_at AS user_created_at, u.disabled_at AS user_disabled_at
     FROM tokens t JOIN users u ON u.name = t.user_name WHERE t.hash = $1`,
    [hash],
  );
  if (row === undefined) return undefined;
  const user = await toUserRecord(s, {
    name: row.user_name,
    created_at: row.user_created_at,
    disabled_at: row.user_disabled_at,
  });
  return { user, token: toTokenInfo(row) };
}

/** Record a use of the token. */
export async function touchToken(s: Sql, id: string, now: number): Promise<void> {
  await s.run('UPDATE tokens SET last_used_at = $1 WHERE id = $2', [now, id]);
}
