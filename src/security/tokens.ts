// API tokens: random secrets shown once, stored only as a SHA-256 hash.
import { createHash, randomBytes } from 'node:crypto';

/** A new token: `pogo_` and 32 random bytes, base64url. */
export function newToken(): string {
  return `pogo_${randomBytes(32).toString('base64url')}`;
}

/** The hash a store keeps for a token (hex SHA-256); the token itself is never stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
