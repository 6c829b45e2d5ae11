// The `users` and `tokens` rows both backends read, and the records they stand for.
import type { TokenInfo } from '../model/index.ts';

/** A row of `users`. */
export interface UserRow {
  readonly name: string;
  readonly created_at: number;
  readonly disabled_at: number | null;
}

/** A row of `tokens` (TOKEN_COLUMNS): never the hash. */
export interface TokenRow {
  readonly id: string;
  readonly label: string;
  readonly created_at: number;
  readonly expires_at: number | null;
  readonly revoked_at: number | null;
  readonly last_used_at: number | null;
}

/** The `tokens` columns a TokenInfo is built from. */
export const TOKEN_COLUMNS = 'id, label, created_at, expires_at, revoked_at, last_used_at';

/** What lists show of a token. */
export function toTokenInfo(r: TokenRow): TokenInfo {
  return {
    id: r.id,
    label: r.label,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  };
}
