// Namespace leases, the active jobs' leases, job requests, and the NOTIFY that tells the other servers.
import type { ActiveLeaseRow, RequestRowOf } from '../cluster-rows.ts';
import {
  ACTIVE_LEASE_SQL,
  REQUEST_COLUMNS,
  activeLeaseOf,
  requestNotFound,
  requestRecordOf,
} from '../cluster-rows.ts';
import type {
  ActiveJobLease,
  JobAction,
  JobRequest,
  NamespaceLease,
  RequestError,
  StoreChange,
} from '../types.ts';
import type { Sql } from './pg-connection.ts';
import { assertJobExists } from './rows.ts';

type RequestRow = RequestRowOf<unknown>;
const toRequest = (r: RequestRow): JobRequest => requestRecordOf(r, (v) => v);

/** As TAKE_OR_RENEW of lease-queries.ts, on the namespace's row (inserted on first use). */
const TAKE_OR_RENEW_NAMESPACE = `INSERT INTO namespace_leases AS l (namespace, owner, epoch, expires_at)
  VALUES ($1, $2, 1, $4::bigint + $3::bigint)
  ON CONFLICT (namespace) DO UPDATE SET
    epoch = CASE WHEN l.owner = $2 AND l.expires_at > $4::bigint THEN l.epoch ELSE l.epoch + 1 END,
    owner = $2,
    expires_at = $4::bigint + $3::bigint
  WHERE l.owner IS NULL OR l.expires_at IS NULL OR l.expires_at <= $4 OR l.owner = $2
  RETURNING epoch, expires_at`;

export async function acquireNamespaceLease(
  s: Sql,
  namespace: string,
  owner: string,
  ttlMs: number,
  now: number,
): Promise<NamespaceLease | undefined> {
  const row = await s.first<{ epoch: number; expires_at: number }>(TAKE_OR_RENEW_NAMESPACE, [
    namespace,
    owner,
    ttlMs,
    now,
  ]);
  return row === undefined ? undefined : { namespace, owner, epoch: row.epoch, expiresAt: row.expires_at };
}

export async function releaseNamespaceLease(
  s: Sql,
  namespace: string,
  owner: string,
  epoch: number,
): Promise<void> {
  await s.run(
    'UPDATE namespace_leases SET owner = NULL, expires_at = NULL WHERE namespace = $1 AND owner = $2 AND epoch = $3',
    [namespace, owner, epoch],
  );
}

export async function activeLeases(s: Sql): Promise<ActiveJobLease[]> {
  return (await s.rows<ActiveLeaseRow>(ACTIVE_LEASE_SQL)).map(activeLeaseOf);
}

export async function addJobRequest(
  s: Sql,
  jobId: string,
  action: JobAction,
  by: string,
  now: number,
): Promise<JobRequest> {
  await assertJobExists(s, jobId);
  const row = await s.first<RequestRow>(
    `INSERT INTO job_requests (job_id, action_json, by_user, created_at) VALUES ($1, $2, $3, $4) RETURNING ${REQUEST_COLUMNS}`,
    [jobId, JSON.stringify(action), by, now],
  );
  return toRequest(row as RequestRow);
}

export async function openJobRequests(s: Sql, jobIds: readonly string[]): Promise<JobRequest[]> {
  if (jobIds.length === 0) return [];
  const rows = await s.rows<RequestRow>(
    `SELECT ${REQUEST_COLUMNS} FROM job_requests WHERE done_at IS NULL AND job_id = ANY($1::text[]) ORDER BY id`,
    [jobIds],
  );
  return rows.map(toRequest);
}

export async function finishJobRequest(
  s: Sql,
  id: number,
  error: RequestError | null,
  now: number,
): Promise<void> {
  const n = await s.run(
    'UPDATE job_requests SET done_at = $1, error_json = $2 WHERE id = $3 AND done_at IS NULL',
    [now, error === null ? null : JSON.stringify(error), id],
  );
  if (n === 0) await getJobRequest(s, id);
}

export async function getJobRequest(s: Sql, id: number): Promise<JobRequest> {
  const row = await s.first<RequestRow>(`SELECT ${REQUEST_COLUMNS} FROM job_requests WHERE id = $1`, [id]);
  if (row === undefined) throw requestNotFound(id);
  return toRequest(row);
}

/** The channel of this schema's notifications (LISTEN and NOTIFY are per database, schemas share them). */
export const CHANNEL_SQL = `'pogo_' || current_schema()`;

/** Send `changes` when the transaction commits (NOTIFY is transactional; duplicates in one transaction fold). */
export async function notify(s: Sql, changes: readonly StoreChange[]): Promise<void> {
  if (changes.length === 0) return;
  await s.run(`SELECT pg_notify(${CHANNEL_SQL}, p) FROM unnest($1::text[]) AS p`, [
    changes.map((c) => `${c.topic}:${c.jobId ?? ''}`),
  ]);
}

/** A notification's payload back to the change (undefined for one that is not Pogo's). */
export function changeOf(payload: string | undefined): StoreChange | undefined {
  const m = /^(job|events|request|relay|servers):(.*)$/s.exec(payload ?? '');
  if (!m) return undefined;
  const topic = m[1] as StoreChange['topic'];
  return m[2] ? { topic, jobId: m[2] } : { topic };
}
