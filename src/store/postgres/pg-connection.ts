// A pg Pool with Pogo's settings (search_path, numbers for BIGINT) and transactions around a callback.
import { Pool, types } from 'pg';
import type { PoolClient, QueryResultRow } from 'pg';
import { cleanParams } from './nul-text.ts';
import type { CompiledPostgresOptions } from './postgres-options.ts';

/** What query modules run statements on: a transaction's client, or the pool for a lone statement. NUL in text parameters is stored as U+FFFD. */
export interface Sql {
  /** Every row of the result. */
  rows<R extends QueryResultRow>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** The first row, or undefined. */
  first<R extends QueryResultRow>(text: string, params?: readonly unknown[]): Promise<R | undefined>;
  /** Run a statement; returns the rows it changed. */
  run(text: string, params?: readonly unknown[]): Promise<number>;
}

const INT8_OID = 20;
const parseInt8 = (v: string): number => Number(v);

/**
 * BIGINT as a number (times in ms, ids, sums: all far below 2^53) instead of pg's default string;
 * every other type as pg parses it (JSONB to objects, BYTEA to Buffers).
 */
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): ((v: string) => unknown) =>
    oid === INT8_OID && format !== 'binary'
      ? parseInt8
      : (types.getTypeParser(oid, 'text') as (v: string) => unknown)) as typeof types.getTypeParser,
};

function sqlOn(q: Pool | PoolClient): Sql {
  return {
    rows: async <R extends QueryResultRow>(text: string, params: readonly unknown[] = []) =>
      (await q.query<R>(text, cleanParams(params))).rows,
    first: async <R extends QueryResultRow>(text: string, params: readonly unknown[] = []) =>
      (await q.query<R>(text, cleanParams(params))).rows[0],
    run: async (text: string, params: readonly unknown[] = []) =>
      (await q.query(text, cleanParams(params))).rowCount ?? 0,
  };
}

/** The pool; each store method borrows one connection for its transaction. */
export class PgConnection {
  private readonly pool: Pool;
  private ended = false;
  /** Lone statements straight on the pool (one statement is one transaction). */
  readonly direct: Sql;

  constructor(readonly options: CompiledPostgresOptions) {
    this.pool = new Pool({
      connectionString: options.connectionString,
      max: options.poolSize,
      // A refused connection fails at once; this bounds a slow one (a loaded or black-holed server). The
      // dispatcher stops deciding after a failed write, so waiting a little longer beats failing early.
      connectionTimeoutMillis: 30_000,
      // Connections stay open a minute between bursts: a new backend (fork, authentication) is the slow part.
      idleTimeoutMillis: 60_000,
      // How the server's sessions show in pg_stat_activity; `?application_name=` in the URL wins.
      application_name: 'pogo',
      types: TYPES,
      // Set at connection start-up, so every pooled connection sees Pogo's schema first, with no extra round trip.
      options: options.startupOptions,
    });
    // An idle connection the server dropped (restart, admin shutdown) is discarded by the pool; the next
    // query gets a fresh one. Without a listener the 'error' event would end the process.
    this.pool.on('error', () => undefined);
    this.direct = sqlOn(this.pool);
  }

  /** Run `fn` in a read-write transaction (READ COMMITTED; queries take the row locks they need). */
  write<R>(fn: (s: Sql) => Promise<R>): Promise<R> {
    return this.transaction('BEGIN', fn);
  }

  /** Run `fn` in a read-only transaction on one snapshot (REPEATABLE READ), as SQLite's read transactions. */
  read<R>(fn: (s: Sql) => Promise<R>): Promise<R> {
    return this.transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', fn);
  }

  /** Run `fn` on one connection, outside any transaction (session-level advisory locks). */
  async session<R>(fn: (s: Sql) => Promise<R>): Promise<R> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    const onError = (e: Error): void => void (broken ??= e);
    client.on('error', onError);
    try {
      return await fn(sqlOn(client));
    } catch (e: unknown) {
      // A session whose state is unknown (a lock may still be held) is closed, not reused.
      broken = e instanceof Error ? e : new Error(String(e));
      throw e;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  /** End the pool (idempotent). */
  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.pool.end();
  }

  private async transaction<R>(begin: string, fn: (s: Sql) => Promise<R>): Promise<R> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // A checked-out client has no pool listener: a connection that ends between two statements (the
    // database restarting) would emit an unhandled 'error' and end the process. It is kept here, the
    // next statement fails, and the client is discarded on release.
    const onError = (e: Error): void => void (broken ??= e);
    client.on('error', onError);
    try {
      await client.query(begin);
      const result = await fn(sqlOn(client));
      await client.query('COMMIT');
      return result;
    } catch (e: unknown) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError: unknown) {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      }
      throw e;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }
}
