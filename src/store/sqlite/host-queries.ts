// Hosts of a job: filtered pages in plan order, the whole plan, one host, and a host's runs across jobs.
import type { HostRecord, Page } from '../../model/index.ts';
import { HOST_PAGE, clampLimit, decodeHostCursor, encodeHostCursor } from '../paging.ts';
import type { HostFilter } from '../types.ts';
import type { SqliteConnection } from './connection.ts';
import type { HostRow } from './rows.ts';
import { HOST_COLUMNS, assertJobExists, hostNotFound, toHostRecord } from './rows.ts';

/** Runs `hostHistory` returns when no limit is given. */
const HISTORY_DEFAULT = 50;
const HISTORY_MAX = 1_000;

/** One page of the job's hosts matching `filter`, in plan order. STORE_NOT_FOUND for an unknown job. */
export function listHosts(c: SqliteConnection, jobId: string, filter: HostFilter = {}): Page<HostRecord> {
  const where = ['job_id = ?'];
  const params: unknown[] = [jobId];
  if (filter.state !== undefined && filter.state.length > 0) {
    where.push('state IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.state));
  }
  if (filter.text !== undefined && filter.text !== '') {
    where.push('instr(lower(host), ?) > 0');
    params.push(filter.text.toLowerCase());
  }
  if (filter.cursor !== undefined) {
    where.push('idx > ?');
    params.push(decodeHostCursor(filter.cursor));
  }
  const limit = clampLimit(filter.limit, HOST_PAGE);
  params.push(limit + 1);
  const sql = `SELECT ${HOST_COLUMNS} FROM hosts WHERE ${where.join(' AND ')} ORDER BY idx LIMIT ?`;
  const rows = c.prepare(sql).all(...params) as HostRow[];
  if (rows.length === 0) assertJobExists(c, jobId);
  const items = rows.slice(0, limit).map(toHostRecord);
  const last = items.at(-1);
  return rows.length > limit && last !== undefined
    ? { items, next: encodeHostCursor(last.index) }
    : { items };
}

/** Every host of the job in plan order. STORE_NOT_FOUND for an unknown job. */
export function allHosts(c: SqliteConnection, jobId: string): HostRecord[] {
  const rows = c
    .prepare(`SELECT ${HOST_COLUMNS} FROM hosts WHERE job_id = ? ORDER BY idx`)
    .all(jobId) as HostRow[];
  if (rows.length === 0) assertJobExists(c, jobId);
  return rows.map(toHostRecord);
}

/** One host of a job. STORE_NOT_FOUND for an unknown job or a host not in it. */
export function getHost(c: SqliteConnection, jobId: string, host: string): HostRecord {
  const row = c
    .prepare(`SELECT ${HOST_COLUMNS} FROM hosts WHERE job_id = ? AND host = ?`)
    .get(jobId, host) as HostRow | undefined;
  if (row === undefined) {
    assertJobExists(c, jobId);
    throw hostNotFound(jobId, host);
  }
  return toHostRecord(row);
}

/** The runs of `host` across jobs, newest job first (default 50, at most 1,000). */
export function hostHistory(c: SqliteConnection, host: string, limit?: number): HostRecord[] {
  const n = clampLimit(limit, { default: HISTORY_DEFAULT, max: HISTORY_MAX });
  const cols = HOST_COLUMNS.split(', ')
    .map((col) => `h.${col}`)
    .join(', ');
  const rows = c
    .prepare(
      `SELECT ${cols} FROM hosts h JOIN jobs j ON j.id = h.job_id
       WHERE h.host = ? ORDER BY j.created_at DESC, j.id DESC LIMIT ?`,
    )
    .all(host, n) as HostRow[];
  return rows.map(toHostRecord);
}
