// Users and their role grants per namespace (`*` for every namespace).
import type { RoleGrant, UserView } from '../../model/index.ts';
import { PogoError, highestRole } from '../../model/index.ts';
import type { UserRecord } from '../types.ts';
import type { Sql } from './pg-connection.ts';
import { isDuplicateKey } from './pg-errors.ts';
import { tokensOf } from './token-queries.ts';
import type { UserRow } from './user-rows.ts';
import { toUserRecord } from './user-rows.ts';

/** The user, or STORE_NOT_FOUND. */
export async function getUser(s: Sql, name: string): Promise<UserRecord> {
  const row = await s.first<UserRow>('SELECT name, created_at, disabled_at FROM users WHERE name = $1', [
    name,
  ]);
  if (row === undefined) throw new PogoError('STORE_NOT_FOUND', `no user ${name}`);
  return toUserRecord(s, row);
}

/** Add a user with grants; STORE_CONFLICT when the name is taken. */
export async function createUser(
  s: Sql,
  name: string,
  grants: readonly RoleGrant[],
  now: number,
): Promise<UserRecord> {
  try {
    // users.role (0001) is no longer read; it holds the highest role, as on SQLite.
    await s.run('INSERT INTO users (name, role, created_at) VALUES ($1, $2, $3)', [
      name,
      highestRole(grants),
      now,
    ]);
  } catch (e: unknown) {
    if (isDuplicateKey(e)) throw new PogoError('STORE_CONFLICT', `user ${name} exists already`, { cause: e });
    throw e;
  }
  for (const g of grants) await writeGrant(s, name, g, now);
  return getUser(s, name);
}

/** Every user by name, with grants and tokens. */
export async function listUsers(s: Sql): Promise<UserView[]> {
  const rows = await s.rows<UserRow>('SELECT name, created_at, disabled_at FROM users ORDER BY name');
  const out: UserView[] = [];
  for (const row of rows) out.push({ ...(await toUserRecord(s, row)), tokens: await tokensOf(s, row.name) });
  return out;
}

/** Give `user` a role on a namespace, replacing the one held there. */
export async function setGrant(s: Sql, user: string, grant: RoleGrant, now: number): Promise<UserRecord> {
  await getUser(s, user);
  await writeGrant(s, user, grant, now);
  return getUser(s, user);
}

/** Take the user's role on `namespace` away; STORE_NOT_FOUND when there is none. */
export async function removeGrant(s: Sql, user: string, namespace: string): Promise<UserRecord> {
  await getUser(s, user);
  const changed = await s.run('DELETE FROM grants WHERE user_name = $1 AND namespace = $2', [
    user,
    namespace,
  ]);
  if (changed === 0) throw new PogoError('STORE_NOT_FOUND', `${user} has no role on ${namespace}`);
  return getUser(s, user);
}

/** Disable the user and revoke every token they have. */
export async function revokeUser(s: Sql, user: string, now: number): Promise<UserRecord> {
  await getUser(s, user);
  await s.run('UPDATE users SET disabled_at = coalesce(disabled_at, $1) WHERE name = $2', [now, user]);
  await s.run('UPDATE tokens SET revoked_at = $1 WHERE user_name = $2 AND revoked_at IS NULL', [now, user]);
  return getUser(s, user);
}

async function writeGrant(s: Sql, user: string, grant: RoleGrant, now: number): Promise<void> {
  await s.run(
    `INSERT INTO grants (user_name, namespace, role, created_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_name, namespace) DO UPDATE SET role = excluded.role, created_at = excluded.created_at`,
    [user, grant.namespace, grant.role, now],
  );
}
