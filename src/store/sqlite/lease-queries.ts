// Job leases: who drives a job, with an epoch that fences writes from a dispatcher that lost it.
import type { Lease } from '../types.ts';
import type { SqliteConnection } from './connection.ts';
import type { StoredLease } from './lease-rule.ts';
import { takeOrRenew } from './lease-rule.ts';
import { jobNotFound } from './rows.ts';

/**
 * Take job `jobId` for `owner` when its lease is free or expired (epoch + 1), renew it when `owner`
 * holds a live one (same epoch), or return undefined when another owner does. Call inside a write transaction.
 */
export function acquireLease(
  c: SqliteConnection,
  jobId: string,
  owner: string,
  ttlMs: number,
  now: number,
): Lease | undefined {
  const row = c
    .prepare(
      'SELECT lease_owner AS owner, lease_epoch AS epoch, lease_expires_at AS expiresAt FROM jobs WHERE id = ?',
    )
    .get(jobId) as StoredLease | undefined;
  if (row === undefined) throw jobNotFound(jobId);
  const lease = takeOrRenew(row, owner, ttlMs, now);
  if (!lease) return undefined;
  const { epoch, expiresAt } = lease;
  c.prepare('UPDATE jobs SET lease_owner = ?, lease_epoch = ?, lease_expires_at = ? WHERE id = ?').run(
    owner,
    epoch,
    expiresAt,
    jobId,
  );
  return { jobId, owner, epoch, expiresAt };
}

/** Give the lease up if `owner` still holds it at `epoch` (else nothing changes); the epoch stays, the next taker bumps it. */
export function releaseLease(c: SqliteConnection, jobId: string, owner: string, epoch: number): void {
  const info = c
    .prepare(
      'UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND lease_owner = ? AND lease_epoch = ?',
    )
    .run(jobId, owner, epoch);
  if (info.changes === 0 && c.prepare('SELECT 1 FROM jobs WHERE id = ?').get(jobId) === undefined)
    throw jobNotFound(jobId);
}
