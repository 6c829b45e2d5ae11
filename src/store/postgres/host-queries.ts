// Hosts of a job: filtered pages in plan order, the whole plan, one host, and a host's runs across jobs.
import type { HostRecord, Page } from '../../model/index.ts';
import { HOST_PAGE, clampLimit, decodeHostCursor, encodeHostCursor } from '../paging.ts';
import type { HostFilter } from '../types.ts';
import type { Sql } from './pg-connection.ts';
import type { HostRow } from './rows.ts';
import { HOST_COLUMNS, assertJobExists, hostNotFound, toHostRecord } from './rows.ts';

/** Runs `hostHistory` returns when no limit is given, and at most. */
const HISTORY_DEFAULT = 50;
const HISTORY_MAX = 1_000;

/** One page of the job's hosts matching `filter`, in plan order. STORE_NOT_FOUND for an unknown job. */
export async function listHosts(s: Sql, jobId: string, filter: HostFilter = {}): Promise<Page<HostRecord>> {
  const params: unknown[] = [jobId];
  const p = (v: unknown): string => `$${params.push(v)}`;
  const where = ['job_id = $1'];
  if (filter.state !== undefined && filter.state.length > 0)
    where.push(`state = ANY(${p(filter.state)}::text[])`);
  if (filter.text !== undefined && filter.text !== '')
    where.push(`strpos(lower(host), ${p(filter.text.toLowerCase())}) > 0`);
  if (filter.cursor !== undefined) where.push(`idx > ${p(decodeHostCursor(filter.cursor))}`);
  const limit = clampLimit(filter.limit, HOST_PAGE);
  const sql = `SELECT ${HOST_COLUMNS} FROM hosts WHERE ${where.join(' AND ')} ORDER BY idx LIMIT ${p(limit + 1)}`;
  const rows = await s.rows<HostRow>(sql, params);
  if (rows.length === 0) await assertJobExists(s, jobId);
  const items = rows.slice(0, limit).map(toHostRecord);
  const last = items.at(-1);
  return rows.length > limit && last !== undefined
    ? { items, next: encodeHostCursor(last.index) }
    : { items };
}

/** Every host of the job in plan order. STORE_NOT_FOUND for an unknown job. */
export async function allHosts(s: Sql, jobId: string): Promise<HostRecord[]> {
  const rows = await s.rows<HostRow>(`SELECT ${HOST_COLUMNS} FROM hosts WHERE job_id = $1 ORDER BY idx`, [
    jobId,
  ]);
  if (rows.length === 0) await assertJobExists(s, jobId);
  return rows.map(toHostRecord);
}

/** One host of a job. STORE_NOT_FOUND for an unknown job or a host not in it. */
export async function getHost(s: Sql, jobId: string, host: string): Promise<HostRecord> {
  const row = await s.first<HostRow>(`SELECT ${HOST_COLUMNS} FROM hosts WHERE job_id = $1 AND host = $2`, [
    jobId,
    host,
  ]);
  if (row === undefined) {
    await assertJobExists(s, jobId);
    throw hostNotFound(jobId, host);
  }
  return toHostRecord(row);
}

/** The runs of `host` across jobs, newest job first (default 50, at most 1,000). */
export async function hostHistory(s: Sql, host: string, limit?: number): Promise<HostRecord[]> {
  const n = clampLimit(limit, { default: HISTORY_DEFAULT, max: HISTORY_MAX });
  const cols = HOST_COLUMNS.split(', ')
    .map((col) => `h.${col}`)
    .join(', ');
  const rows = await s.rows<HostRow>(
    `SELECT ${cols} FROM hosts h JOIN jobs j ON j.id = h.job_id
     WHERE h.host = $1 ORDER BY j.created_at DESC, j.id DESC LIMIT $2`,
    [host, n],
  );
  return rows.map(toHostRecord);
}
