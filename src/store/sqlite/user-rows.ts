// Reading a user row with its grants (shared by the user and token queries).
import type { Role, RoleGrant } from '../../model/index.ts';
import type { UserRow } from '../account-rows.ts';
import type { UserRecord } from '../types.ts';
import type { SqliteConnection } from './connection.ts';

export type { UserRow } from '../account-rows.ts';

/** The grants of `user`, `*` first, then by namespace. */
function grantsOf(c: SqliteConnection, user: string): RoleGrant[] {
  return (
    c
      .prepare("SELECT namespace, role FROM grants WHERE user_name = ? ORDER BY namespace <> '*', namespace")
      .all(user) as { namespace: string; role: Role }[]
  ).map((g) => ({ namespace: g.namespace, role: g.role }));
}

/** The user row as a record with grants. */
export function toUserRecord(c: SqliteConnection, row: UserRow): UserRecord {
  return {
    name: row.name,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
    grants: grantsOf(c, row.name),
  };
}
