// SQLite failures as PogoErrors: constraint violations are conflicts (or missing parents), the rest unavailability.
import Database from 'better-sqlite3';
import { PogoError, isPogoError } from '../../model/index.ts';

/** The PogoError for a failure while doing `what` (a PogoError passes through unchanged). */
export function toStoreError(e: unknown, what: string): PogoError {
  if (isPogoError(e)) return e;
  if (e instanceof Database.SqliteError) {
    if (e.code === 'SQLITE_CONSTRAINT_FOREIGNKEY')
      return new PogoError('STORE_NOT_FOUND', `cannot ${what}: it refers to a row the store does not have`, {
        cause: e,
      });
    if (e.code.startsWith('SQLITE_CONSTRAINT'))
      return new PogoError('STORE_CONFLICT', `cannot ${what}: ${e.message}`, { cause: e });
    return new PogoError('STORE_UNAVAILABLE', `cannot ${what}: SQLite ${e.code}: ${e.message}`, {
      cause: e,
      hint: hintFor(e.code),
    });
  }
  const message = e instanceof Error ? e.message : String(e);
  return new PogoError('STORE_UNAVAILABLE', `cannot ${what}: ${message}`, { cause: e });
}

/** True when `e` is a SQLite uniqueness violation (a duplicate key). */
export function isDuplicateKey(e: unknown): boolean {
  return (
    e instanceof Database.SqliteError &&
    (e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e.code === 'SQLITE_CONSTRAINT_UNIQUE')
  );
}

function hintFor(code: string): string | undefined {
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return 'another process holds the database; raise the busy timeout or stop the other process';
  if (code.startsWith('SQLITE_FULL')) return 'the disk is full';
  if (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB'))
    return 'the database file is damaged; restore it from a backup';
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN'))
    return 'check the permissions of the database file and its directory';
  return undefined;
}
