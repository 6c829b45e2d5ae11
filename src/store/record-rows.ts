// The `jobs` and `hosts` rows both backends read, and their records; each dialect says how it decodes JSON and booleans.
import type { HostCounts, HostRecord, HostState, JobOptions, JobRecord, JobState } from '../model/index.ts';
import { PogoError, emptyCounts } from '../model/index.ts';
import type { NewJob } from './types.ts';

/** The `jobs` columns a JobRecord is built from. */
export const JOB_COLUMNS =
  'id, namespace, user_name, command, targets, state, reason, created_at, started_at, ended_at, config_version, options_json, host_count, counts_json, rollback_of';

/** A `jobs` row (JOB_COLUMNS); `J` is how the dialect returns JSON columns (text, or decoded). */
export interface JobRowOf<J> {
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
  readonly options_json: J;
  readonly host_count: number;
  readonly counts_json: J;
  readonly rollback_of: string | null;
}

/** The record a `jobs` row stands for; `json` decodes the dialect's JSON columns. */
export function jobRecordOf<J>(r: JobRowOf<J>, json: (v: J) => unknown): JobRecord {
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
    options: json(r.options_json) as JobOptions,
    hostCount: r.host_count,
    counts: json(r.counts_json) as HostCounts,
    rollbackOf: r.rollback_of,
  };
}

/** A job as `createJob` stores it: pending, every host waiting. */
export function newJobRecord(job: NewJob): JobRecord {
  const counts = emptyCounts();
  counts.waiting = job.hosts.length;
  return {
    id: job.id,
    namespace: job.namespace,
    user: job.user,
    command: job.command,
    targets: job.targets,
    state: 'pending',
    reason: '',
    createdAt: job.createdAt,
    startedAt: null,
    endedAt: null,
    configVersion: job.configVersion,
    options: job.options,
    hostCount: job.hosts.length,
    counts,
    rollbackOf: job.rollbackOf,
  };
}

/** The `hosts` columns a HostRecord is built from. */
export const HOST_COLUMNS =
  'job_id, idx, host, state, attempt, started_at, ended_at, exit_code, signal, message, error_code, worker, output_bytes, truncated';

/** A `hosts` row (HOST_COLUMNS); `B` is how the dialect returns booleans (0/1, or boolean). */
export interface HostRowOf<B> {
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
  readonly truncated: B;
}

/** The record a `hosts` row stands for; `bool` decodes the dialect's booleans. */
export function hostRecordOf<B>(r: HostRowOf<B>, bool: (v: B) => boolean): HostRecord {
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
    truncated: bool(r.truncated),
  };
}

/** The error for an unknown job id. */
export function jobNotFound(id: string): PogoError {
  return new PogoError('STORE_NOT_FOUND', `no job ${id}`, { hint: 'list jobs with `pogo jobs`' });
}

/** The error for a host that is not part of a job. */
export function hostNotFound(jobId: string, host: string): PogoError {
  return new PogoError('STORE_NOT_FOUND', `job ${jobId} has no host ${host}`);
}
