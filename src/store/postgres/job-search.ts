// Finding jobs: filtered pages newest first, and a full id from a prefix or `last`.
import type { JobRecord, Page } from '../../model/index.ts';
import { PogoError } from '../../model/index.ts';
import { JOB_PAGE, clampLimit, decodeJobCursor, encodeJobCursor } from '../paging.ts';
import type { JobFilter } from '../types.ts';
import type { Sql } from './pg-connection.ts';
import type { JobRow } from './rows.ts';
import { JOB_COLUMNS, toJobRecord } from './rows.ts';

/** One page of jobs matching `filter`, newest first (created_at, then id, descending). */
export async function findJobs(s: Sql, filter: JobFilter): Promise<Page<JobRecord>> {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown): string => `$${params.push(v)}`;
  if (filter.user !== undefined) where.push(`user_name = ${p(filter.user)}`);
  if (filter.state !== undefined && filter.state.length > 0)
    where.push(`state = ANY(${p(filter.state)}::text[])`);
  if (filter.namespace !== undefined) where.push(`namespace = ${p(filter.namespace)}`);
  if (filter.namespaces !== undefined) where.push(`namespace = ANY(${p(filter.namespaces)}::text[])`);
  if (filter.host !== undefined)
    where.push(`id IN (SELECT job_id FROM hosts WHERE host = ${p(filter.host)})`);
  if (filter.text !== undefined && filter.text !== '') {
    const t = p(filter.text.toLowerCase());
    where.push(
      `(strpos(lower(command), ${t}) > 0 OR strpos(lower(targets), ${t}) > 0 OR strpos(lower(id), ${t}) > 0)`,
    );
  }
  if (filter.cursor !== undefined) {
    const after = decodeJobCursor(filter.cursor);
    const at = p(after.createdAt);
    where.push(`(created_at < ${at} OR (created_at = ${at} AND id < ${p(after.id)}))`);
  }
  const limit = clampLimit(filter.limit, JOB_PAGE);
  const sql = `SELECT ${JOB_COLUMNS} FROM jobs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY created_at DESC, id DESC LIMIT ${p(limit + 1)}`;
  const rows = await s.rows<JobRow>(sql, params);
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
export async function resolveJobId(s: Sql, ref: string, user?: string): Promise<string> {
  if (ref === 'last') {
    const row =
      user === undefined
        ? await s.first<{ id: string }>('SELECT id FROM jobs ORDER BY created_at DESC, id DESC LIMIT 1')
        : await s.first<{ id: string }>(
            'SELECT id FROM jobs WHERE user_name = $1 ORDER BY created_at DESC, id DESC LIMIT 1',
            [user],
          );
    if (row === undefined)
      throw new PogoError(
        'STORE_NOT_FOUND',
        user === undefined ? 'there are no jobs' : `${user} has no jobs`,
      );
    return row.id;
  }
  if (ref === '') throw new PogoError('STORE_NOT_FOUND', 'an empty job id matches nothing');
  if ((await s.first('SELECT 1 FROM jobs WHERE id = $1', [ref])) !== undefined) return ref;
  const range = [ref, prefixUpperBound(ref)];
  const first = await s.rows<{ id: string }>(
    'SELECT id FROM jobs WHERE id >= $1 AND id < $2 ORDER BY id LIMIT 2',
    range,
  );
  if (first.length === 0)
    throw new PogoError('STORE_NOT_FOUND', `no job id starts with ${ref}`, {
      hint: 'list jobs with `pogo jobs`',
    });
  if (first.length === 1 && first[0] !== undefined) return first[0].id;
  const counted = await s.first<{ n: number }>(
    'SELECT count(*) AS n FROM jobs WHERE id >= $1 AND id < $2',
    range,
  );
  throw new PogoError('STORE_CONFLICT', `job id prefix ${ref} matches ${counted?.n ?? 2} jobs`, {
    hint: 'give more characters of the job id',
  });
}

/** The smallest string above every string that starts with `prefix` (its last code point plus one); ids sort byte-wise (COLLATE "C"). */
function prefixUpperBound(prefix: string): string {
  const points = [...prefix];
  const last = points.pop() ?? '';
  const code = last.codePointAt(0) ?? 0;
  return points.join('') + String.fromCodePoint(Math.min(code + 1, 0x10ffff));
}
