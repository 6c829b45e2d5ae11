// Numbered SQL migrations (migrations/NNNN_name.sql): applied in order, one transaction each, recorded in schema_migrations.
import type { Migration } from '../migration-files.ts';
import { assertKnownMigrations, loadMigrationFiles, migrationFailed } from '../migration-files.ts';
import type { SqliteConnection } from './connection.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

/** The SQLite migration files shipped with this Pogo, in order. */
export function loadMigrations(dir: URL = MIGRATIONS_DIR): readonly Migration[] {
  return loadMigrationFiles(dir, 'SQLite');
}

/**
 * Apply the migrations the database has not seen, each in its own transaction; returns how many ran.
 * A database that records a migration this code does not know was written by a newer Pogo: refused.
 */
export function migrate(c: SqliteConnection, migrations: readonly Migration[], now: number): number {
  c.db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  const applied = new Set(
    (c.db.prepare('SELECT id FROM schema_migrations').all() as { id: number }[]).map((r) => r.id),
  );
  assertKnownMigrations(applied, migrations);
  let ran = 0;
  for (const m of migrations) {
    if (applied.has(m.id)) continue;
    // Checked again under the write lock: another process may have applied it since we looked.
    const apply = c.write((): boolean => {
      if (c.db.prepare('SELECT 1 FROM schema_migrations WHERE id = ?').get(m.id) !== undefined) return false;
      c.db.exec(m.sql);
      c.db
        .prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)')
        .run(m.id, m.name, now);
      return true;
    });
    try {
      if (apply()) ran++;
    } catch (e: unknown) {
      throw migrationFailed(m, e);
    }
  }
  return ran;
}
