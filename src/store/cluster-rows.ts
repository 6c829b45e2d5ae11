// Rows of the cluster tables (namespace leases, job requests) and their records, for both dialects.
import { PogoError } from '../model/index.ts';
import type { ActiveJobLease, JobAction, JobRequest, RequestError } from './types.ts';

/** A job_requests row; the JSON columns as the dialect returns them (text in SQLite, parsed in PostgreSQL). */
export interface RequestRowOf<J> {
  readonly id: number;
  readonly job_id: string;
  readonly action_json: J;
  readonly by_user: string;
  readonly created_at: number;
  readonly done_at: number | null;
  readonly error_json: J | null;
}

export const REQUEST_COLUMNS = 'id, job_id, action_json, by_user, created_at, done_at, error_json';

/** The record of a request row, given how the dialect decodes a JSON column. */
export function requestRecordOf<J>(r: RequestRowOf<J>, json: (v: J) => unknown): JobRequest {
  return {
    id: r.id,
    jobId: r.job_id,
    action: json(r.action_json) as JobAction,
    by: r.by_user,
    createdAt: r.created_at,
    doneAt: r.done_at,
    error: r.error_json === null ? null : (json(r.error_json) as RequestError),
  };
}

export function requestNotFound(id: number): PogoError {
  return new PogoError('STORE_NOT_FOUND', `no request ${id}`);
}

/** The active-job lease columns, and their record. */
export const ACTIVE_LEASE_SQL = `SELECT id, namespace, state, created_at, lease_owner, lease_expires_at FROM jobs
  WHERE state IN ('pending', 'running', 'needs-password') ORDER BY created_at, id`;

export interface ActiveLeaseRow {
  readonly id: string;
  readonly namespace: string;
  readonly state: ActiveJobLease['state'];
  readonly created_at: number;
  readonly lease_owner: string | null;
  readonly lease_expires_at: number | null;
}

export function activeLeaseOf(r: ActiveLeaseRow): ActiveJobLease {
  return {
    jobId: r.id,
    namespace: r.namespace,
    state: r.state,
    createdAt: r.created_at,
    owner: r.lease_owner,
    expiresAt: r.lease_expires_at,
  };
}
