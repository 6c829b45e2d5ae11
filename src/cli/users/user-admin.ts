// What `pogo users` and `pogo audit` do, over the API (an admin token) or offline on a server's data directory.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import type { Actor, AuditRecord, RoleGrant, TokenInfo, UserView } from '../../model/index.ts';
import { PogoError } from '../../model/index.ts';
import { Accounts } from '../../security/index.ts';
import type { AuditFilter } from '../../store/index.ts';
import { openSqliteStore } from '../../store/index.ts';
import type { ApiClient } from '../client/api-client.ts';

/** A token request: label and absolute expiry (ms). */
export interface TokenOptions {
  readonly label?: string;
  readonly expiresAt?: number;
}

/** The user verbs, the same whichever way they reach the accounts. */
export interface UserAdmin {
  list(): Promise<readonly UserView[]>;
  add(name: string, grant: RoleGrant, token: TokenOptions): Promise<{ user: UserView; token: string }>;
  grant(name: string, grant: RoleGrant): Promise<UserView>;
  ungrant(name: string, namespace: string): Promise<UserView>;
  revokeUser(name: string): Promise<UserView>;
  revokeToken(name: string, id: string): Promise<TokenInfo>;
  newToken(name: string, token: TokenOptions): Promise<{ token: string; info: TokenInfo }>;
  audit(filter: AuditFilter): Promise<readonly AuditRecord[]>;
  close(): Promise<void>;
}

/** Over the API: every call needs admin on `*`. */
export function apiUserAdmin(client: ApiClient): UserAdmin {
  const user = (name: string): string => `/v1/users/${encodeURIComponent(name)}`;
  const body = (t: TokenOptions) => ({
    ...(t.label === undefined ? {} : { label: t.label }),
    ...(t.expiresAt === undefined ? {} : { expiresAt: new Date(t.expiresAt).toISOString() }),
  });
  return {
    list: async () => (await client.json<{ items: UserView[] }>('GET', '/v1/users')).items,
    add: (name, grant, token) =>
      client.json('POST', '/v1/users', { json: { name, ...grant, ...body(token) } }),
    grant: (name, grant) =>
      client.json('PUT', `${user(name)}/grants/${encodeURIComponent(grant.namespace)}`, {
        json: { role: grant.role },
      }),
    ungrant: (name, namespace) =>
      client.json('DELETE', `${user(name)}/grants/${encodeURIComponent(namespace)}`),
    revokeUser: (name) => client.json('DELETE', user(name)),
    revokeToken: (name, id) => client.json('DELETE', `${user(name)}/tokens/${encodeURIComponent(id)}`),
    newToken: (name, token) => client.json('POST', `${user(name)}/tokens`, { json: body(token) }),
    audit: async (f) =>
      (
        await client.json<{ items: AuditRecord[] }>('GET', '/v1/audit', {
          query: {
            user: f.user,
            action: f.action,
            subject: f.subject,
            limit: f.limit,
            since: f.since === undefined ? undefined : new Date(f.since).toISOString(),
          },
        })
      ).items,
    close: () => Promise.resolve(),
  };
}

/**
 * Offline, on the SQLite database of a server's data directory (`--data DIR`), for automation. A running
 * server may hold the directory: SQLite (WAL, busy timeout) makes the two writers safe, and the server
 * reads users and grants from the database on every request, so changes apply at once. The changes are
 * audited as `local:UNIXNAME`.
 */
export async function localUserAdmin(dataDir: string): Promise<UserAdmin> {
  const file = join(dataDir, 'pogo.db');
  if (!existsSync(file)) {
    throw new PogoError('USAGE', `--data: ${dataDir} holds no pogo.db`, {
      hint: 'give the data directory of a `pogo server` that has started once (default ~/.local/share/pogo)',
    });
  }
  const store = openSqliteStore(file);
  try {
    await store.migrate();
  } catch (e: unknown) {
    await store.close();
    throw e;
  }
  const accounts = new Accounts(store);
  const actor: Actor = { user: `local:${userInfo().username}`, role: 'admin', remote: 'pogo users --data' };
  return {
    list: () => accounts.listUsers(),
    add: (name, grant, token) => accounts.addUser(name, [grant], token, actor),
    grant: (name, grant) => accounts.setGrant(name, grant, actor),
    ungrant: (name, namespace) => accounts.removeGrant(name, namespace, actor),
    revokeUser: (name) => accounts.revokeUser(name, actor),
    revokeToken: (name, id) => accounts.revokeToken(name, id, actor),
    newToken: (name, token) => accounts.createToken(name, token, actor),
    audit: (f) => accounts.readAudit(f),
    close: () => store.close(),
  };
}
