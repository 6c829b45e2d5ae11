// Numbered SQL migration files (NNNN_name.sql) every backend reads the same way, and the refusal of a newer database.
import { readFileSync, readdirSync } from 'node:fs';
import { PogoError } from '../model/index.ts';

/** One migration file. */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** The migration files in `dir`, in order; `dialect` names the backend in errors (`SQLite`, `PostgreSQL`). */
export function loadMigrationFiles(dir: URL, dialect: string): readonly Migration[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.sql'));
  } catch (e: unknown) {
    throw new PogoError(
      'STORE_MIGRATION_FAILED',
      `cannot read the ${dialect} migrations in ${dir.pathname}`,
      {
        cause: e,
        hint: 'the installation is incomplete: the build copies migrations/*.sql next to the code',
      },
    );
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
 * STORE_MIGRATION_FAILED when the database records a migration this code does not know: a newer Pogo
 * wrote it, and an older one must not run on it.
 */
export function assertKnownMigrations(applied: Iterable<number>, migrations: readonly Migration[]): void {
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
}

/** The error for a migration that failed to apply. */
export function migrationFailed(m: Migration, e: unknown): PogoError {
  const detail = e instanceof Error ? e.message : String(e);
  return new PogoError('STORE_MIGRATION_FAILED', `migration ${m.id} (${m.name}) failed: ${detail}`, {
    cause: e,
  });
}
