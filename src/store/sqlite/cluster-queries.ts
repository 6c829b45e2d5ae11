// Namespace leases, the active jobs' leases, and job requests (see postgres/cluster-queries.ts).
import type { ActiveLeaseRow, RequestRowOf } from '../cluster-rows.ts';
import {
  ACTIVE_LEASE_SQL,
  REQUEST_COLUMNS,
  activeLeaseOf,
  requestNotFound,
  requestRecordOf,
} from '../cluster-rows.ts';
import type { ActiveJobLease, JobAction, JobRequest, NamespaceLease, RequestError } from '../types.ts';
import type { SqliteConnection } from './connection.ts';
import type { StoredLease } from './lease-rule.ts';
import { takeOrRenew } from './lease-rule.ts';
import { assertJobExists } from './rows.ts';

type RequestRow = RequestRowOf<string>;
const toRequest = (r: RequestRow): JobRequest => requestRecordOf(r, (v) => JSON.parse(v) as unknown);

/** Take or renew the namespace's lease (see Store.acquireNamespaceLease); call inside a write transaction. */
export function acquireNamespaceLease(
  c: SqliteConnection,
  namespace: string,
  owner: string,
  ttlMs: number,
  now: number,
): NamespaceLease | undefined {
  const row = c
    .prepare('SELECT owner, epoch, expires_at AS expiresAt FROM namespace_leases WHERE namespace = ?')
    .get(namespace) as StoredLease | undefined;
  const lease = takeOrRenew(row, owner, ttlMs, now);
  if (!lease) return undefined;
  const { epoch, expiresAt } = lease;
  c.prepare(
    `INSERT INTO namespace_leases (namespace, owner, epoch, expires_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (namespace) DO UPDATE SET owner = excluded.owner, epoch = excluded.epoch, expires_at = excluded.expires_at`,
  ).run(namespace, owner, epoch, expiresAt);
  return { namespace, owner, epoch, expiresAt };
}

export function releaseNamespaceLease(
  c: SqliteConnection,
  namespace: string,
  owner: string,
  epoch: number,
): void {
  c.prepare(
    'UPDATE namespace_leases SET owner = NULL, expires_at = NULL WHERE namespace = ? AND owner = ? AND epoch = ?',
  ).run(namespace, owner, epoch);
}

export function activeLeases(c: SqliteConnection): ActiveJobLease[] {
  return (c.prepare(ACTIVE_LEASE_SQL).all() as ActiveLeaseRow[]).map(activeLeaseOf);
}

export function addJobRequest(
  c: SqliteConnection,
  jobId: string,
  action: JobAction,
  by: string,
  now: number,
): JobRequest {
  assertJobExists(c, jobId);
  const row = c
    .prepare(
      `INSERT INTO job_requests (job_id, action_json, by_user, created_at) VALUES (?, ?, ?, ?) RETURNING ${REQUEST_COLUMNS}`,
    )
    .get(jobId, JSON.stringify(action), by, now) as RequestRow;
  return toRequest(row);
}

export function openJobRequests(c: SqliteConnection, jobIds: readonly string[]): JobRequest[] {
  if (jobIds.length === 0) return [];
  const rows = c
    .prepare(
      `SELECT ${REQUEST_COLUMNS} FROM job_requests WHERE done_at IS NULL
       AND job_id IN (SELECT value FROM json_each(?)) ORDER BY id`,
    )
    .all(JSON.stringify(jobIds)) as RequestRow[];
  return rows.map(toRequest);
}

export function finishJobRequest(
  c: SqliteConnection,
  id: number,
  error: RequestError | null,
  now: number,
): void {
  const info = c
    .prepare('UPDATE job_requests SET done_at = ?, error_json = ? WHERE id = ? AND done_at IS NULL')
    .run(now, error === null ? null : JSON.stringify(error), id);
  if (info.changes === 0) getJobRequest(c, id);
}

export function getJobRequest(c: SqliteConnection, id: number): JobRequest {
  const row = c.prepare(`SELECT ${REQUEST_COLUMNS} FROM job_requests WHERE id = ?`).get(id) as
    RequestRow | undefined;
  if (row === undefined) throw requestNotFound(id);
  return toRequest(row);
}
