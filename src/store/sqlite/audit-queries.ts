// The audit trail: append-only, read newest first with filters.
import type { AuditRecord } from '../../model/index.ts';
import { clampLimit } from '../paging.ts';
import type { AuditFilter } from '../types.ts';
import type { SqliteConnection } from './connection.ts';

/** Audit entries `readAudit` returns when no limit is given, and at most. */
const AUDIT_DEFAULT = 100;
const AUDIT_MAX = 10_000;

/** Append an audit entry (its id is assigned here). */
export function appendAudit(c: SqliteConnection, entry: Omit<AuditRecord, 'id'>): void {
  c.prepare(
    'INSERT INTO audit (t, user_name, action, subject, detail, remote) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(entry.t, entry.user, entry.action, entry.subject, entry.detail, entry.remote);
}

/** Audit entries, newest first, matching every filter given (default 100, at most 10,000). */
export function readAudit(c: SqliteConnection, filter: AuditFilter): AuditRecord[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.subject !== undefined) {
    where.push('subject = ?');
    params.push(filter.subject);
  }
  if (filter.user !== undefined) {
    where.push('user_name = ?');
    params.push(filter.user);
  }
  if (filter.action !== undefined) {
    if (filter.action.endsWith('.')) {
      where.push('substr(action, 1, ?) = ?');
      params.push(filter.action.length, filter.action);
    } else {
      where.push('action = ?');
      params.push(filter.action);
    }
  }
  if (filter.since !== undefined) {
    where.push('t >= ?');
    params.push(filter.since);
  }
  params.push(clampLimit(filter.limit, { default: AUDIT_DEFAULT, max: AUDIT_MAX }));
  const rows = c
    .prepare(
      `SELECT id, t, user_name, action, subject, detail, remote FROM audit
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
    )
    .all(...params) as (Omit<AuditRecord, 'user'> & { user_name: string })[];
  return rows.map(({ user_name, ...r }) => ({ ...r, user: user_name }));
}
