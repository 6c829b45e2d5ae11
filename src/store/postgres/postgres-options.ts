// openPostgresStore's options: the URL (with Pogo's own `schema` and `pool_size` parameters), validated once.
import { PogoError } from '../../model/index.ts';

/** Options of `openPostgresStore`. */
export interface PostgresStoreOptions {
  /** `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME&pool_size=N&…libpq parameters]`. */
  readonly url: string;
  /** The schema Pogo's tables live in (created when missing); overrides `?schema=`. Default: the server's search_path. */
  readonly schema?: string;
  /** Connections in the pool; overrides `?pool_size=`. Default 10. */
  readonly poolSize?: number;
}

/** What the pool is opened with, and how the database is named in messages (never with the password). */
export interface CompiledPostgresOptions {
  /** The URL for `pg`, without Pogo's own parameters. */
  readonly connectionString: string;
  readonly schema: string | undefined;
  /** libpq `options` sent at connection start: the URL's own, then `-c search_path=SCHEMA`. */
  readonly startupOptions: string;
  readonly poolSize: number;
  /** `HOST:PORT/DATABASE`, for messages. */
  readonly where: string;
  /** Strings that must never appear in a message (the password, raw and decoded). */
  readonly secrets: readonly string[];
}

const DEFAULTS = { poolSize: 10 } as const satisfies Partial<CompiledPostgresOptions>;

/** How long a session may sit idle inside a transaction: half the shortest lease (10 s). */
export const IDLE_IN_TRANSACTION_MS = 5_000;

/** Lower-case letters, digits and `_`, not starting with a digit: used unquoted in search_path. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** True for a `--store` value this backend opens. */
export function isPostgresUrl(spec: string): boolean {
  return spec.startsWith('postgres://') || spec.startsWith('postgresql://');
}

/** Validate the options; STORE_UNAVAILABLE names the rule broken (never the password). */
export function compilePostgresOptions(o: PostgresStoreOptions): CompiledPostgresOptions {
  let url: URL;
  try {
    url = new URL(o.url);
  } catch (e: unknown) {
    throw new PogoError('STORE_UNAVAILABLE', 'the PostgreSQL URL is not a valid URL', {
      cause: e,
      hint: 'write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE (percent-encode special characters)',
    });
  }
  if (!isPostgresUrl(o.url))
    throw new PogoError(
      'STORE_UNAVAILABLE',
      'the PostgreSQL URL must start with postgres:// or postgresql://',
    );
  const schema = o.schema ?? url.searchParams.get('schema') ?? undefined;
  if (schema !== undefined && !SCHEMA_NAME.test(schema))
    throw new PogoError('STORE_UNAVAILABLE', `schema "${schema}" is not a plain lower-case name`, {
      hint: 'use lower-case letters, digits and _, not starting with a digit (at most 63)',
    });
  const rawPool = url.searchParams.get('pool_size');
  const poolSize = o.poolSize ?? (rawPool === null ? DEFAULTS.poolSize : Number(rawPool));
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 1_000)
    throw new PogoError(
      'STORE_UNAVAILABLE',
      `pool size "${rawPool ?? poolSize}" is not a whole number from 1 to 1000`,
    );
  const own = url.searchParams.get('options');
  // A server frozen (SIGSTOP, a stalled VM) inside a transaction would hold its row locks for ever, and the
  // server taking its jobs over would wait on them: PostgreSQL ends such a session (the URL's own options,
  // after it, may set another value).
  const idle = `-c idle_in_transaction_session_timeout=${IDLE_IN_TRANSACTION_MS}`;
  const startup = [idle, own, schema === undefined ? null : `-c search_path=${schema}`].filter(
    (x) => x !== null,
  );
  for (const name of ['schema', 'pool_size', 'options']) url.searchParams.delete(name);
  const secrets = url.password === '' ? [] : [url.password, safeDecode(url.password)];
  const database = url.pathname.replace(/^\//, '') || '(default database)';
  const where = `${url.hostname || 'local socket'}:${url.port || '5432'}/${database}`;
  const startupOptions = startup.join(' ');
  return { connectionString: url.toString(), schema, startupOptions, poolSize, where, secrets };
}

/** `url` with its password replaced by `***`, for printing; an unparsable URL is not shown at all. */
export function redactPostgresUrl(spec: string): string {
  try {
    const url = new URL(spec);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
