// Users, their API tokens (kept by hash only) and the audit trail.
import type { AuditRecord } from '../../model/index.ts';
import { PogoError } from '../../model/index.ts';
import { clampLimit } from '../paging.ts';
import type { UserRecord } from '../types.ts';
import type { SqliteConnection } from './connection.ts';
import { isDuplicateKey } from './sqlite-errors.ts';

/** Audit entries `readAudit` returns when no limit is given, and at most. */
const AUDIT_DEFAULT = 100;
const AUDIT_MAX = 10_000;

interface UserRow {
  readonly name: string;
  readonly role: UserRecord['role'];
  readonly created_at: number;
}

function toUserRecord(r: UserRow): UserRecord {
  return { name: r.name, role: r.role, createdAt: r.created_at };
}

/** Add a user; STORE_CONFLICT when the name is taken. */
export function createUser(
  c: SqliteConnection,
  name: string,
  role: UserRecord['role'],
  now: number,
): UserRecord {
  try {
    c.prepare('INSERT INTO users (name, role, created_at) VALUES (?, ?, ?)').run(name, role, now);
  } catch (e: unknown) {
    if (isDuplicateKey(e)) throw new PogoError('STORE_CONFLICT', `user ${name} exists already`, { cause: e });
    throw e;
  }
  return { name, role, createdAt: now };
}

/** Every user, by name. */
export function listUsers(c: SqliteConnection): UserRecord[] {
  return (c.prepare('SELECT name, role, created_at FROM users ORDER BY name').all() as UserRow[]).map(
    toUserRecord,
  );
}

/** Store a token hash for `user`; STORE_NOT_FOUND for an unknown user, STORE_CONFLICT for a hash stored already. */
export function addToken(
  c: SqliteConnection,
  user: string,
  tokenHash: string,
  label: string,
  now: number,
): void {
  if (c.prepare('SELECT 1 FROM users WHERE name = ?').get(user) === undefined)
    throw new PogoError('STORE_NOT_FOUND', `no user ${user}`);
  try {
    c.prepare('INSERT INTO tokens (hash, user_name, label, created_at) VALUES (?, ?, ?, ?)').run(
      tokenHash,
      user,
      label,
      now,
    );
  } catch (e: unknown) {
    // The hash is not named: it identifies a secret.
    if (isDuplicateKey(e))
      throw new PogoError('STORE_CONFLICT', `that token is stored already`, { cause: e });
    throw e;
  }
}

/** The user a token hash belongs to, or undefined. */
export function userForToken(c: SqliteConnection, tokenHash: string): UserRecord | undefined {
  const row = c
    .prepare(
      'SELECT u.name, u.role, u.created_at FROM tokens t JOIN users u ON u.name = t.user_name WHERE t.hash = ?',
    )
    .get(tokenHash) as UserRow | undefined;
  return row === undefined ? undefined : toUserRecord(row);
}

/** Append an audit entry (its id is assigned here). */
export function appendAudit(c: SqliteConnection, entry: Omit<AuditRecord, 'id'>): void {
  c.prepare(
    'INSERT INTO audit (t, user_name, action, subject, detail, remote) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(entry.t, entry.user, entry.action, entry.subject, entry.detail, entry.remote);
}

/** Audit entries, newest first, of `subject` and/or `user` when given (default 100, at most 10,000). */
export function readAudit(
  c: SqliteConnection,
  filter: { readonly subject?: string; readonly user?: string; readonly limit?: number },
): AuditRecord[] {
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
  params.push(clampLimit(filter.limit, { default: AUDIT_DEFAULT, max: AUDIT_MAX }));
  const rows = c
    .prepare(
      `SELECT id, t, user_name, action, subject, detail, remote FROM audit
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
    )
    .all(...params) as (Omit<AuditRecord, 'user'> & { user_name: string })[];
  return rows.map(({ user_name, ...r }) => ({ ...r, user: user_name }));
}
