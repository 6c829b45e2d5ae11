// The audit trail: append-only, read newest first with filters.
import type { AuditRecord } from '../../model/index.ts';
import { clampLimit } from '../paging.ts';
import type { AuditFilter } from '../types.ts';
import type { Sql } from './pg-connection.ts';

/** Audit entries `readAudit` returns when no limit is given, and at most. */
const AUDIT_DEFAULT = 100;
const AUDIT_MAX = 10_000;

/** Append an audit entry (its id is assigned here). */
export async function appendAudit(s: Sql, entry: Omit<AuditRecord, 'id'>): Promise<void> {
  await s.run(
    'INSERT INTO audit (t, user_name, action, subject, detail, remote) VALUES ($1, $2, $3, $4, $5, $6)',
    [entry.t, entry.user, entry.action, entry.subject, entry.detail, entry.remote],
  );
}

/** Audit entries, newest first, matching every filter given (default 100, at most 10,000). */
export async function readAudit(s: Sql, filter: AuditFilter): Promise<AuditRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown): string => `$${params.push(v)}`;
  if (filter.subject !== undefined) where.push(`subject = ${p(filter.subject)}`);
  if (filter.user !== undefined) where.push(`user_name = ${p(filter.user)}`);
  if (filter.action !== undefined)
    where.push(
      filter.action.endsWith('.')
        ? `starts_with(action, ${p(filter.action)})`
        : `action = ${p(filter.action)}`,
    );
  if (filter.since !== undefined) where.push(`t >= ${p(filter.since)}`);
  const limit = p(clampLimit(filter.limit, { default: AUDIT_DEFAULT, max: AUDIT_MAX }));
  const rows = await s.rows<Omit<AuditRecord, 'user'> & { user_name: string }>(
    `SELECT id, t, user_name, action, subject, detail, remote FROM audit
     ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${limit}`,
    params,
  );
  return rows.map(({ user_name, ...r }) => ({ ...r, user: user_name }));
}
