// Rows as PostgreSQL returns them (BIGINT as numbers, JSONB as objects), and the records the rest of Pogo sees.
import type {
  HostCounts,
  HostRecord,
  HostState,
  JobOptions,
  JobRecord,
  JobState,
} from '../../model/index.ts';
import { PogoError } from '../../model/index.ts';
import type { Sql } from './pg-connection.ts';

/** The `jobs` columns a JobRecord is built from. */
export const JOB_COLUMNS =
  'id, namespace, user_name, command, targets, state, reason, created_at, started_at, ended_at, config_version, options_json, host_count, counts_json, rollback_of';

/** A `jobs` row (JOB_COLUMNS). */
export interface JobRow {
  readonly id: string;
  readonly namespace: string;
  readonly user_name: string;
  readonly command: string;
  readonly targets: string;
  readonly state: string;
  readonly reason: string;
  readonly created_at: number;
  readonly started_at: number | null;
  readonly ended_at: number | null;
  readonly config_version: number | null;
  readonly options_json: JobOptions;
  readonly host_count: number;
  readonly counts_json: HostCounts;
  readonly rollback_of: string | null;
}

/** The record a `jobs` row stands for. */
export function toJobRecord(r: JobRow): JobRecord {
  return {
    id: r.id,
    namespace: r.namespace,
    user: r.user_name,
    command: r.command,
    targets: r.targets,
    state: r.state as JobState,
    reason: r.reason,
    createdAt: r.created_at,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    configVersion: r.config_version,
    options: r.options_json,
    hostCount: r.host_count,
    counts: r.counts_json,
    rollbackOf: r.rollback_of,
  };
}

/** The `hosts` columns a HostRecord is built from. */
export const HOST_COLUMNS =
  'job_id, idx, host, state, attempt, started_at, ended_at, exit_code, signal, message, error_code, worker, output_bytes, truncated';

/** A `hosts` row (HOST_COLUMNS). */
export interface HostRow {
  readonly job_id: string;
  readonly idx: number;
  readonly host: string;
  readonly state: string;
  readonly attempt: number;
  readonly started_at: number | null;
  readonly ended_at: number | null;
  readonly exit_code: number | null;
  readonly signal: string | null;
  readonly message: string;
  readonly error_code: string | null;
  readonly worker: string | null;
  readonly output_bytes: number;
  readonly truncated: boolean;
}

/** The record a `hosts` row stands for. */
export function toHostRecord(r: HostRow): HostRecord {
  return {
    jobId: r.job_id,
    host: r.host,
    index: r.idx,
    state: r.state as HostState,
    attempt: r.attempt,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    exitCode: r.exit_code,
    signal: r.signal,
    message: r.message,
    errorCode: r.error_code,
    worker: r.worker,
    outputBytes: r.output_bytes,
    truncated: r.truncated,
  };
}

/** STORE_NOT_FOUND unless job `id` exists. */
export async function assertJobExists(s: Sql, id: string): Promise<void> {
  if ((await s.first('SELECT 1 FROM jobs WHERE id = $1', [id])) === undefined) throw jobNotFound(id);
}

/** The error for an unknown job id. */
export function jobNotFound(id: string): PogoError {
  return new PogoError('STORE_NOT_FOUND', `no job ${id}`, { hint: 'list jobs with `pogo jobs`' });
}

/** The error for a host that is not part of a job. */
export function hostNotFound(jobId: string, host: string): PogoError {
  return new PogoError('STORE_NOT_FOUND', `job ${jobId} has no host ${host}`);
}
