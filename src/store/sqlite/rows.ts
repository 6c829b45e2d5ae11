// Rows as SQLite returns them (JSON as text, booleans as 0/1), and their conversion to records.
import type { HostRecord, JobRecord } from '../../model/index.ts';
import type { HostRowOf, JobRowOf } from '../record-rows.ts';
import { hostRecordOf, jobNotFound, jobRecordOf } from '../record-rows.ts';
import type { SqliteConnection } from './connection.ts';

export { HOST_COLUMNS, JOB_COLUMNS, hostNotFound, jobNotFound } from '../record-rows.ts';

/** A `jobs` row (JOB_COLUMNS). */
export type JobRow = JobRowOf<string>;
/** A `hosts` row (HOST_COLUMNS). */
export type HostRow = HostRowOf<number>;

/** The record a `jobs` row stands for. */
export function toJobRecord(r: JobRow): JobRecord {
  return jobRecordOf(r, (text) => JSON.parse(text) as unknown);
}

/** The record a `hosts` row stands for. */
export function toHostRecord(r: HostRow): HostRecord {
  return hostRecordOf(r, (n) => n !== 0);
}

/** STORE_NOT_FOUND unless job `id` exists. */
export function assertJobExists(c: SqliteConnection, id: string): void {
  if (c.prepare('SELECT 1 FROM jobs WHERE id = ?').get(id) === undefined) throw jobNotFound(id);
}
