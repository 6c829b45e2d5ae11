// Numbered PostgreSQL migrations (migrations/NNNN_name.sql): applied in order under an advisory lock, one transaction each.
import type { Migration } from '../migration-files.ts';
import { assertKnownMigrations, loadMigrationFiles, migrationFailed } from '../migration-files.ts';
import type { PgConnection, Sql } from './pg-connection.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

/** The advisory lock class of migrations (`pgmg`); the schema's hash is the second key, so schemas do not wait for each other. */
const MIGRATION_LOCK = 0x70676d67;

/** The PostgreSQL migration files shipped with this Pogo, in order. */
export function loadMigrations(dir: URL = MIGRATIONS_DIR): readonly Migration[] {
  return loadMigrationFiles(dir, 'PostgreSQL');
}

/**
 * Create the schema when missing, then apply the migrations the database has not seen, each in its own
 * transaction; returns how many ran. Servers starting at once take turns on a session advisory lock, so
 * each migration runs once. A database that records a migration this code does not know was written by
 * a newer Pogo: refused (STORE_MIGRATION_FAILED).
 */
export async function migrate(
  c: PgConnection,
  migrations: readonly Migration[],
  now: number,
): Promise<number> {
  const schema = c.options.schema;
  return c.session(async (s) => {
    await s.run('SELECT pg_advisory_lock($1::integer, hashtext($2::text))', [MIGRATION_LOCK, schema ?? '']);
    try {
      // The name is checked by compilePostgresOptions (lower-case letters, digits, _): safe unquoted.
      // Looked up first: CREATE SCHEMA needs CREATE on the database even when the schema exists.
      if (
        schema !== undefined &&
        (await s.first('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])) === undefined
      )
        await s.run(`CREATE SCHEMA ${schema}`);
      await s.run(
        'CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
      );
      const applied = new Set(
        (await s.rows<{ id: number }>('SELECT id FROM schema_migrations')).map((r) => r.id),
      );
      assertKnownMigrations(applied, migrations);
      let ran = 0;
      for (const m of migrations) {
        if (applied.has(m.id)) continue;
        await apply(s, m, now);
        ran++;
      }
      return ran;
    } finally {
      await s.run('SELECT pg_advisory_unlock($1::integer, hashtext($2::text))', [
        MIGRATION_LOCK,
        schema ?? '',
      ]);
    }
  });
}

/** One migration and its record in one transaction (PostgreSQL DDL is transactional: all or nothing). */
async function apply(s: Sql, m: Migration, now: number): Promise<void> {
  await s.run('BEGIN');
  try {
    // A multi-statement file goes as one simple query (no parameters).
    await s.run(m.sql);
    await s.run('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [
      m.id,
      m.name,
      now,
    ]);
    await s.run('COMMIT');
  } catch (e: unknown) {
    await s.run('ROLLBACK').catch(() => undefined);
    throw migrationFailed(m, e);
  }
}
