// The lease rule of SQLite's job and namespace leases (PostgreSQL says the same in one UPDATE each).

/** A lease row as stored: no owner, or an owner until `expiresAt`, at `epoch`. */
export interface StoredLease {
  readonly owner: string | null;
  readonly epoch: number;
  readonly expiresAt: number | null;
}

/**
 * The lease `owner` gets now: a live lease of its own is renewed (same epoch), a free or expired one is
 * taken with epoch + 1, another owner's live lease is refused (undefined).
 */
export function takeOrRenew(
  row: StoredLease | undefined,
  owner: string,
  ttlMs: number,
  now: number,
): { readonly epoch: number; readonly expiresAt: number } | undefined {
  const live = row !== undefined && row.owner !== null && row.expiresAt !== null && row.expiresAt > now;
  if (live && row.owner !== owner) return undefined;
  return { epoch: live ? row.epoch : (row?.epoch ?? 0) + 1, expiresAt: now + ttlMs };
}
