// Tokens are random, prefixed, and hashed deterministically without keeping the secret.
import { describe, expect, it } from 'vitest';
import { hashToken, newToken } from './tokens.ts';

describe('tokens', () => {
  it('are random, prefixed, and their hash is stable hex that does not contain the token', () => {
    const a = newToken();
    const b = newToken();
    expect(a).toMatch(/^pogo_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(hashToken(a)).toBe(hashToken(a));
    expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(a)).not.toContain(a.slice(5));
  });
});
