// Namespace configurations: every upload kept verbatim as a new version, counted from 1 per namespace.
import type { NamespaceVersion } from '../../model/index.ts';
import { PogoError } from '../../model/index.ts';
import type { SqliteConnection } from './connection.ts';

interface NamespaceRow {
  readonly namespace: string;
  readonly version: number;
  readonly text: string;
  readonly user_name: string;
  readonly created_at: number;
}

function toNamespaceVersion(r: NamespaceRow): NamespaceVersion {
  return {
    namespace: r.namespace,
    version: r.version,
    text: r.text,
    user: r.user_name,
    createdAt: r.created_at,
  };
}

/** Store `text` as the next version of `namespace`; call inside a write transaction. */
export function putNamespace(
  c: SqliteConnection,
  namespace: string,
  text: string,
  user: string,
  now: number,
): NamespaceVersion {
  const newest = c
    .prepareValue('SELECT coalesce(max(version), 0) FROM namespaces WHERE namespace = ?')
    .get(namespace) as number;
  const version = newest + 1;
  c.prepare(
    'INSERT INTO namespaces (namespace, version, text, user_name, created_at) VALUES (?, ?, ?, ?, ?)',
  ).run(namespace, version, text, user, now);
  return { namespace, version, text, user, createdAt: now };
}

/** Version `version` of the namespace, or its newest. STORE_NOT_FOUND when there is none. */
export function getNamespace(c: SqliteConnection, namespace: string, version?: number): NamespaceVersion {
  const cols = 'namespace, version, text, user_name, created_at';
  const row = (
    version === undefined
      ? c
          .prepare(`SELECT ${cols} FROM namespaces WHERE namespace = ? ORDER BY version DESC LIMIT 1`)
          .get(namespace)
      : c
          .prepare(`SELECT ${cols} FROM namespaces WHERE namespace = ? AND version = ?`)
          .get(namespace, version)
  ) as NamespaceRow | undefined;
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
export function listNamespaces(c: SqliteConnection): NamespaceVersion[] {
  const rows = c
    .prepare(
      `SELECT n.namespace, n.version, n.text, n.user_name, n.created_at FROM namespaces n
       WHERE n.version = (SELECT max(version) FROM namespaces m WHERE m.namespace = n.namespace)
       ORDER BY n.namespace`,
    )
    .all() as NamespaceRow[];
  return rows.map(toNamespaceVersion);
}
