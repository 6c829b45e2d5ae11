// Users and their role grants per namespace (`*` for every namespace).
import type { RoleGrant, UserView } from '../../model/index.ts';
import { PogoError, highestRole } from '../../model/index.ts';
import type { UserRecord } from '../types.ts';
import type { SqliteConnection } from './connection.ts';
import { isDuplicateKey } from './sqlite-errors.ts';
import { tokensOf } from './token-queries.ts';
import type { UserRow } from './user-rows.ts';
import { toUserRecord } from './user-rows.ts';

/** The user, or STORE_NOT_FOUND. */
export function getUser(c: SqliteConnection, name: string): UserRecord {
  const row = c.prepare('SELECT name, created_at, disabled_at FROM users WHERE name = ?').get(name) as
    UserRow | undefined;
  if (row === undefined) throw new PogoError('STORE_NOT_FOUND', `no user ${name}`);
  return toUserRecord(c, row);
}

/** Add a user with grants; STORE_CONFLICT when the name is taken. */
export function createUser(
  c: SqliteConnection,
  name: string,
  grants: readonly RoleGrant[],
  now: number,
): UserRecord {
  try {
    // users.role (0001) is no longer read; it holds the highest role for older readers of the file.
    c.prepare('INSERT INTO users (name, role, created_at) VALUES (?, ?, ?)').run(
      name,
      highestRole(grants),
      now,
    );
  } catch (e: unknown) {
    if (isDuplicateKey(e)) throw new PogoError('STORE_CONFLICT', `user ${name} exists already`, { cause: e });
    throw e;
  }
  for (const g of grants) writeGrant(c, name, g, now);
  return getUser(c, name);
}

/** Every user by name, with grants and tokens. */
export function listUsers(c: SqliteConnection): UserView[] {
  const rows = c.prepare('SELECT name, created_at, disabled_at FROM users ORDER BY name').all() as UserRow[];
  return rows.map((row) => ({ ...toUserRecord(c, row), tokens: tokensOf(c, row.name) }));
}

/** Give `user` a role on a namespace, replacing the one held there. */
export function setGrant(c: SqliteConnection, user: string, grant: RoleGrant, now: number): UserRecord {
  getUser(c, user);
  writeGrant(c, user, grant, now);
  return getUser(c, user);
}

/** Take the user's role on `namespace` away; STORE_NOT_FOUND when there is none. */
export function removeGrant(c: SqliteConnection, user: string, namespace: string): UserRecord {
  getUser(c, user);
  const { changes } = c
    .prepare('DELETE FROM grants WHERE user_name = ? AND namespace = ?')
    .run(user, namespace);
  if (changes === 0) throw new PogoError('STORE_NOT_FOUND', `${user} has no role on ${namespace}`);
  return getUser(c, user);
}

/** Disable the user and revoke every token they have. */
export function revokeUser(c: SqliteConnection, user: string, now: number): UserRecord {
  getUser(c, user);
  c.prepare('UPDATE users SET disabled_at = coalesce(disabled_at, ?) WHERE name = ?').run(now, user);
  c.prepare('UPDATE tokens SET revoked_at = ? WHERE user_name = ? AND revoked_at IS NULL').run(now, user);
  return getUser(c, user);
}

function writeGrant(c: SqliteConnection, user: string, grant: RoleGrant, now: number): void {
  c.prepare(
    `INSERT INTO grants (user_name, namespace, role, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (user_name, namespace) DO UPDATE SET role = excluded.role, created_at = excluded.created_at`,
  ).run(user, grant.namespace, grant.role, now);
}
