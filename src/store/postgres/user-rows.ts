// Reading a user row with its grants (shared by the user and token queries).
import type { Role, RoleGrant } from '../../model/index.ts';
import type { UserRow } from '../account-rows.ts';
import type { UserRecord } from '../types.ts';
import type { Sql } from './pg-connection.ts';

export type { UserRow } from '../account-rows.ts';

/** The grants of `user`, `*` first, then by namespace. */
async function grantsOf(s: Sql, user: string): Promise<RoleGrant[]> {
  const rows = await s.rows<{ namespace: string; role: Role }>(
    "SELECT namespace, role FROM grants WHERE user_name = $1 ORDER BY namespace <> '*', namespace",
    [user],
  );
  return rows.map((g) => ({ namespace: g.namespace, role: g.role }));
}

/** The user row as a record with grants. */
export async function toUserRecord(s: Sql, row: UserRow): Promise<UserRecord> {
  return {
    name: row.name,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
    grants: await grantsOf(s, row.name),
  };
}
