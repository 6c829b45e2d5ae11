// Finding jobs: filtered pages newest first, and a full id from a prefix or `last`.
import type { JobRecord, Page } from '../../model/index.ts';
import { PogoError } from '../../model/index.ts';
import { JOB_PAGE, clampLimit, decodeJobCursor, encodeJobCursor } from '../paging.ts';
import type { JobFilter } from '../types.ts';
import type { SqliteConnection } from './connection.ts';
import type { JobRow } from './rows.ts';
import { JOB_COLUMNS, toJobRecord } from './rows.ts';

/** One page of jobs matching `filter`, newest first (created_at, then id, descending). */
export function findJobs(c: SqliteConnection, filter: JobFilter): Page<JobRecord> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.user !== undefined) {
    where.push('user_name = ?');
    params.push(filter.user);
  }
  if (filter.state !== undefined && filter.state.length > 0) {
    where.push('state IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.state));
  }
  if (filter.namespace !== undefined) {
    where.push('namespace = ?');
    params.push(filter.namespace);
  }
  if (filter.namespaces !== undefined) {
    where.push('namespace IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.namespaces));
  }
  if (filter.host !== undefined) {
    where.push('id IN (SELECT job_id FROM hosts WHERE host = ?)');
    params.push(filter.host);
  }
  if (filter.text !== undefined && filter.text !== '') {
    const text = filter.text.toLowerCase();
    where.push('(instr(lower(command), ?) > 0 OR instr(lower(targets), ?) > 0 OR instr(lower(id), ?) > 0)');
    params.push(text, text, text);
  }
  if (filter.cursor !== undefined) {
    const after = decodeJobCursor(filter.cursor);
    where.push('(created_at < ? OR (created_at = ? AND id < ?))');
    params.push(after.createdAt, after.createdAt, after.id);
  }
  const limit = clampLimit(filter.limit, JOB_PAGE);
  params.push(limit + 1);
  const sql = `SELECT ${JOB_COLUMNS} FROM jobs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY created_at DESC, id DESC LIMIT ?`;
  const rows = c.prepare(sql).all(...params) as JobRow[];
  const items = rows.slice(0, limit).map(toJobRecord);
  const last = items.at(-1);
  return rows.length > limit && last !== undefined
    ? { items, next: encodeJobCursor({ createdAt: last.createdAt, id: last.id }) }
    : { items };
}

/**
 * The full id `ref` names: `last` (the newest job, of `user` when given), an exact id, or a unique prefix.
 * STORE_NOT_FOUND when nothing matches, STORE_CONFLICT when a prefix matches several jobs.
 */
export function resolveJobId(c: SqliteConnection, ref: string, user?: string): string {
  if (ref === 'last') {
    const row = (
      user === undefined
        ? c.prepare('SELECT id FROM jobs ORDER BY created_at DESC, id DESC LIMIT 1').get()
        : c
            .prepare('SELECT id FROM jobs WHERE user_name = ? ORDER BY created_at DESC, id DESC LIMIT 1')
            .get(user)
    ) as { id: string } | undefined;
    if (row === undefined)
      throw new PogoError(
        'STORE_NOT_FOUND',
        user === undefined ? 'there are no jobs' : `${user} has no jobs`,
      );
    return row.id;
  }
  if (ref !== '' && c.prepare('SELECT 1 FROM jobs WHERE id = ?').get(ref) !== undefined) return ref;
  if (ref === '') throw new PogoError('STORE_NOT_FOUND', 'an empty job id matches nothing');
  const range = [ref, prefixUpperBound(ref)];
  const first = c
    .prepare('SELECT id FROM jobs WHERE id >= ? AND id < ? ORDER BY id LIMIT 2')
    .all(...range) as {
    id: string;
  }[];
  if (first.length === 0)
    throw new PogoError('STORE_NOT_FOUND', `no job id starts with ${ref}`, {
      hint: 'list jobs with `pogo jobs`',
    });
  if (first.length === 1 && first[0] !== undefined) return first[0].id;
  const { n } = c.prepare('SELECT count(*) AS n FROM jobs WHERE id >= ? AND id < ?').get(...range) as {
    n: number;
  };
  throw new PogoError('STORE_CONFLICT', `job id prefix ${ref} matches ${n} jobs`, {
    hint: 'give more characters of the job id',
  });
}

/** The smallest string above every string that starts with `prefix` (its last code point plus one). */
function prefixUpperBound(prefix: string): string {
  const points = [...prefix];
  const last = points.pop() ?? '';
  const code = last.codePointAt(0) ?? 0;
  return points.join('') + String.fromCodePoint(Math.min(code + 1, 0x10ffff));
}
