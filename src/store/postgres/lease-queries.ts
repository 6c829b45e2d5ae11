// Job leases: who drives a job, with an epoch that fences writes from a dispatcher that lost it.
import type { Lease } from '../types.ts';
import type { Sql } from './pg-connection.ts';
import { assertJobExists } from './rows.ts';

/**
 * One statement, so it is atomic under concurrency: the row lock the UPDATE takes makes a second server
 * wait, and PostgreSQL then re-checks the WHERE clause on the row the first one committed, so two servers
 * racing for a free job never both take it, nor get the same epoch. A live lease of `owner` is renewed
 * (same epoch); a free or expired one is taken with epoch + 1.
 */
const TAKE_OR_RENEW = `UPDATE jobs SET
    lease_epoch = CASE WHEN lease_owner = $2 AND lease_expires_at > $4::bigint THEN lease_epoch ELSE lease_epoch + 1 END,
    lease_owner = $2,
    lease_expires_at = $4::bigint + $3::bigint
  WHERE id = $1 AND (lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= $4 OR lease_owner = $2)
  RETURNING lease_epoch, lease_expires_at`;

/**
 * Take job `jobId` for `owner` when its lease is free or expired (epoch + 1), renew it when `owner`
 * holds a live one (same epoch), or return undefined when another owner does. STORE_NOT_FOUND for an unknown job.
 */
export async function acquireLease(
  s: Sql,
  jobId: string,
  owner: string,
  ttlMs: number,
  now: number,
): Promise<Lease | undefined> {
  const row = await s.first<{ lease_epoch: number; lease_expires_at: number }>(TAKE_OR_RENEW, [
    jobId,
    owner,
    ttlMs,
    now,
  ]);
  if (row !== undefined) return { jobId, owner, epoch: row.lease_epoch, expiresAt: row.lease_expires_at };
  await assertJobExists(s, jobId);
  return undefined;
}

/** Give the lease up if `owner` still holds it at `epoch` (else nothing changes); the epoch stays, the next taker bumps it. */
export async function releaseLease(s: Sql, jobId: string, owner: string, epoch: number): Promise<void> {
  const changed = await s.run(
    'UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = $1 AND lease_owner = $2 AND lease_epoch = $3',
    [jobId, owner, epoch],
  );
  if (changed === 0) await assertJobExists(s, jobId);
}
