// Namespace configurations: every upload kept verbatim as a new version, counted from 1 per namespace.
import type { NamespaceVersion } from '../../model/index.ts';
import { PogoError } from '../../model/index.ts';
import type { Sql } from './pg-connection.ts';

interface NamespaceRow {
  readonly namespace: string;
  readonly version: number;
  readonly text: string;
  readonly user_name: string;
  readonly created_at: number;
}

/** The advisory lock class of namespace uploads (`pogo` in ASCII); the namespace's hash is the second key. */
const NAMESPACE_LOCK = 0x706f676f;

function toNamespaceVersion(r: NamespaceRow): NamespaceVersion {
  return {
    namespace: r.namespace,
    version: r.version,
    text: r.text,
    user: r.user_name,
    createdAt: r.created_at,
  };
}

/**
 * Store `text` as the next version of `namespace`; call inside a write transaction. Two servers uploading
 * the same namespace at once are serialised by a transaction-level advisory lock, so each gets its own version.
 */
export async function putNamespace(
  s: Sql,
  namespace: string,
  text: string,
  user: string,
  now: number,
): Promise<NamespaceVersion> {
  await s.run('SELECT pg_advisory_xact_lock($1::integer, hashtext($2::text))', [NAMESPACE_LOCK, namespace]);
  const row = await s.first<{ version: number }>(
    `INSERT INTO namespaces (namespace, version, text, user_name, created_at)
     SELECT $1::text, coalesce(max(version), 0) + 1, $2::text, $3::text, $4::bigint FROM namespaces WHERE namespace = $1::text
     RETURNING version`,
    [namespace, text, user, now],
  );
  return { namespace, version: row?.version ?? 1, text, user, createdAt: now };
}

/** Version `version` of the namespace, or its newest. STORE_NOT_FOUND when there is none. */
export async function getNamespace(s: Sql, namespace: string, version?: number): Promise<NamespaceVersion> {
  const cols = 'namespace, version, text, user_name, created_at';
  const row =
    version === undefined
      ? await s.first<NamespaceRow>(
          `SELECT ${cols} FROM namespaces WHERE namespace = $1 ORDER BY version DESC LIMIT 1`,
          [namespace],
        )
      : await s.first<NamespaceRow>(`SELECT ${cols} FROM namespaces WHERE namespace = $1 AND version = $2`, [
          namespace,
          version,
        ]);
  if (row === undefined)
    throw new PogoError(
      'STORE_NOT_FOUND',
      version === undefined
        ? `no namespace ${namespace}`
        : `namespace ${namespace} has no version ${version}`,
      { hint: 'list namespaces with `pogo config show`' },
    );
  return toNamespaceVersion(row);
}

/** Every namespace at its newest version, by name. */
export async function listNamespaces(s: Sql): Promise<NamespaceVersion[]> {
  const rows = await s.rows<NamespaceRow>(
    `SELECT DISTINCT ON (namespace) namespace, version, text, user_name, created_at FROM namespaces
     ORDER BY namespace, version DESC`,
  );
  return rows.map(toNamespaceVersion);
}
