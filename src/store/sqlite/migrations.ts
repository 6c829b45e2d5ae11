// Numbered SQL migrations (migrations/NNNN_name.sql): applied in order, one transaction each, recorded in schema_migrations.
import { readFileSync, readdirSync } from 'node:fs';
import { PogoError } from '../../model/index.ts';
import type { SqliteConnection } from './connection.ts';

/** One migration file. */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** The migration files shipped with this Pogo, in order. */
export function loadMigrations(dir: URL = MIGRATIONS_DIR): readonly Migration[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.sql'));
  } catch (e: unknown) {
    throw new PogoError('STORE_MIGRATION_FAILED', `cannot read the SQLite migrations in ${dir.pathname}`, {
      cause: e,
      hint: 'the installation is incomplete: the build copies migrations/*.sql next to the code',
    });
  }
  const migrations = files.map((file) => {
    const m = FILE_NAME.exec(file);
    if (!m)
      throw new PogoError('STORE_MIGRATION_FAILED', `migration file ${file} is not named NNNN_name.sql`);
    return { id: Number(m[1]), name: m[2] ?? '', sql: readFileSync(new URL(file, dir), 'utf8') };
  });
  migrations.sort((a, b) => a.id - b.id);
  for (let i = 1; i < migrations.length; i++)
    if (migrations[i]?.id === migrations[i - 1]?.id)
      throw new PogoError('STORE_MIGRATION_FAILED', `two migrations are numbered ${migrations[i]?.id}`);
  return migrations;
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
  const known = new Set(migrations.map((m) => m.id));
  const unknown = [...applied].filter((id) => !known.has(id)).sort((a, b) => a - b);
  if (unknown.length > 0)
    throw new PogoError(
      'STORE_MIGRATION_FAILED',
      `the database was written by a newer Pogo: it has migration ${unknown.join(', ')}, this version knows up to ${
        migrations.at(-1)?.id ?? 0
      }`,
      { hint: 'upgrade Pogo rather than run an older one on a newer database' },
    );
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
      const detail = e instanceof Error ? e.message : String(e);
      throw new PogoError('STORE_MIGRATION_FAILED', `migration ${m.id} (${m.name}) failed: ${detail}`, {
        cause: e,
      });
    }
  }
  return ran;
}
