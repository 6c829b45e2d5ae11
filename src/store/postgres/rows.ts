// Rows as PostgreSQL returns them (BIGINT as numbers, JSONB as objects, booleans), and their conversion to records.
import type { HostRecord, JobRecord } from '../../model/index.ts';
import type { HostRowOf, JobRowOf } from '../record-rows.ts';
import { hostRecordOf, jobNotFound, jobRecordOf } from '../record-rows.ts';
import type { Sql } from './pg-connection.ts';

export { HOST_COLUMNS, JOB_COLUMNS, hostNotFound, jobNotFound } from '../record-rows.ts';

/** A `jobs` row (JOB_COLUMNS): JSONB columns come decoded. */
export type JobRow = JobRowOf<unknown>;
/** A `hosts` row (HOST_COLUMNS). */
export type HostRow = HostRowOf<boolean>;

/** The record a `jobs` row stands for. */
export function toJobRecord(r: JobRow): JobRecord {
  return jobRecordOf(r, (v) => v);
}

/** The record a `hosts` row stands for. */
export function toHostRecord(r: HostRow): HostRecord {
  return hostRecordOf(r, (b) => b);
}

/** STORE_NOT_FOUND unless job `id` exists. */
export async function assertJobExists(s: Sql, id: string): Promise<void> {
  if ((await s.first('SELECT 1 FROM jobs WHERE id = $1', [id])) === undefined) throw jobNotFound(id);
}
