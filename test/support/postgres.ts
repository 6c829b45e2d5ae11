// The test PostgreSQL: its URL (POGO_TEST_PG_URL), started when it is down, and a throwaway schema per test.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { Client } from 'pg';

/** Where the tests find PostgreSQL (trust auth on loopback by default, as scripts/setup.sh prepares it). */
export const PG_URL = process.env.POGO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh schema name (lower case: it goes unquoted into search_path). */
export function randomSchema(prefix = 'pogo_test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** `PG_URL` with `?schema=NAME` (how `pogo server --store` selects a schema). */
export function urlWithSchema(schema: string): string {
  const url = new URL(PG_URL);
  url.searchParams.set('schema', schema);
  return url.toString();
}

/** Run `sql` on a short-lived connection of its own (not a store's pool). */
export async function adminQuery<R = Record<string, unknown>>(
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const c = new Client({ connectionString: PG_URL, connectionTimeoutMillis: 5_000 });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as R[];
  } finally {
    await c.end();
  }
}

/** Drop a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`not a test schema name: ${schema}`);
  await adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}

/**
 * Make sure PostgreSQL answers: when it does not and we may, start the local cluster (as scripts/setup.sh
 * does); when it still does not, throw, so the suite fails loudly instead of skipping.
 */
export async function ensurePostgres(): Promise<void> {
  if (await reachable()) return;
  const clusters = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
  const version = clusters[0];
  if (version !== undefined && process.getuid?.() === 0) {
    try {
      execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], {
        stdio: 'ignore',
      });
    } catch {
      // Reported below, with what to do.
    }
    for (let i = 0; i < 50 && !(await reachable()); i++) await new Promise((r) => setTimeout(r, 200));
    if (await reachable()) return;
  }
  throw new Error(
    `PostgreSQL is not reachable at ${new URL(PG_URL).host} (POGO_TEST_PG_URL): run scripts/setup.sh as root, ` +
      'or point POGO_TEST_PG_URL at a PostgreSQL where the tests may create and drop schemas',
  );
}

async function reachable(): Promise<boolean> {
  try {
    await adminQuery('SELECT 1');
    return true;
  } catch {
    return false;
  }
}
