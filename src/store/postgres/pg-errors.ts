// PostgreSQL failures as PogoErrors: constraint violations are conflicts (or missing parents), the rest unavailability.
import { DatabaseError } from 'pg';
import { PogoError, isPogoError } from '../../model/index.ts';

/** How the database is named in messages, and what must be scrubbed from them. */
export interface ErrorContext {
  /** `HOST:PORT/DATABASE`. */
  readonly where: string;
  readonly secrets: readonly string[];
}

const UNREACHABLE_HINT =
  'check that PostgreSQL runs and that the --store URL (host, port, database, user, password) is right';

/** The PogoError for a failure while doing `what` (a PogoError passes through unchanged). */
export function toStoreError(e: unknown, what: string, ctx: ErrorContext): PogoError {
  if (isPogoError(e)) return e;
  const message = scrub(e instanceof Error ? e.message : String(e), ctx.secrets);
  if (e instanceof DatabaseError) {
    const code = e.code ?? '';
    if (code === '23503')
      return new PogoError('STORE_NOT_FOUND', `cannot ${what}: it refers to a row the store does not have`, {
        cause: e,
      });
    if (code.startsWith('23'))
      return new PogoError('STORE_CONFLICT', `cannot ${what}: ${message}`, { cause: e });
    if (isConnectionClass(code))
      return new PogoError(
        'STORE_UNAVAILABLE',
        `cannot ${what}: PostgreSQL at ${ctx.where} is unavailable (${code}: ${message})`,
        { cause: e, hint: UNREACHABLE_HINT },
      );
    return new PogoError('STORE_UNAVAILABLE', `cannot ${what}: PostgreSQL ${code}: ${message}`, {
      cause: e,
      hint: hintFor(code),
    });
  }
  // Socket errors (ECONNREFUSED, ENOTFOUND, ETIMEDOUT), a connection dropped, the pool's connect timeout.
  return new PogoError(
    'STORE_UNAVAILABLE',
    `cannot ${what}: cannot reach PostgreSQL at ${ctx.where}: ${message}`,
    {
      cause: e,
      hint: UNREACHABLE_HINT,
    },
  );
}

/** True when `e` is a uniqueness violation (a duplicate key). */
export function isDuplicateKey(e: unknown): e is DatabaseError {
  return e instanceof DatabaseError && e.code === '23505';
}

/** `text` with every secret replaced by `***`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s !== '') out = out.split(s).join('***');
  return out;
}

/** Connection exceptions, shutdowns, too many connections, a missing database, failed authentication. */
function isConnectionClass(code: string): boolean {
  return (
    code.startsWith('08') ||
    code.startsWith('57P') ||
    code.startsWith('53') ||
    code.startsWith('28') ||
    code === '3D000'
  );
}

function hintFor(code: string): string | undefined {
  if (code === '40001' || code === '40P01') return 'another server wrote the same rows at once; retry';
  if (code === '42P01') return 'the schema is missing its tables: run the migrations (start `pogo server`)';
  if (code === '22021') return 'PostgreSQL text cannot hold NUL characters';
  return undefined;
}
