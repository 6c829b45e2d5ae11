// An open SQLite database with Pogo's pragmas and a cache of prepared statements.
import Database from 'better-sqlite3';
import { PogoError } from '../../model/index.ts';

/** A prepared statement with positional parameters. */
export type Statement = Database.Statement<unknown[], unknown>;

/** One better-sqlite3 connection: pragmas set once, each SQL text prepared once. */
export class SqliteConnection {
  readonly db: Database.Database;
  private readonly statements = new Map<string, Statement>();
  private readonly valueStatements = new Map<string, Statement>();

  /**
   * Open (or create) the database at `path` (`:memory:` for a private in-memory one). WAL lets readers
   * run beside the writer; `synchronous=FULL` makes every commit survive a power loss, not only a crash,
   * because the dispatcher acts on a commit (hands a task to a worker) as soon as it returns.
   */
  constructor(path: string, busyTimeoutMs: number) {
    try {
      this.db = new Database(path, { timeout: busyTimeoutMs });
    } catch (e: unknown) {
      throw new PogoError('STORE_UNAVAILABLE', `cannot open the SQLite database ${path}`, {
        cause: e,
        hint: 'check that the directory exists and is writable',
      });
    }
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma('foreign_keys = ON');
      this.db.pragma('cache_size = -65536');
      this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    } catch (e: unknown) {
      this.db.close();
      throw new PogoError('STORE_UNAVAILABLE', `cannot set up the SQLite database ${path}`, { cause: e });
    }
  }

  /** The prepared statement for `sql`, prepared on first use. */
  prepare(sql: string): Statement {
    let s = this.statements.get(sql);
    if (s === undefined) {
      s = this.db.prepare<unknown[], unknown>(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Like `prepare`, for a query of one column: `get` returns that column's value, `all` an array of them. */
  prepareValue(sql: string): Statement {
    let s = this.valueStatements.get(sql);
    if (s === undefined) {
      s = this.db.prepare<unknown[], unknown>(sql).pluck();
      this.valueStatements.set(sql, s);
    }
    return s;
  }

  /** Run `fn` in a write transaction (BEGIN IMMEDIATE: takes the write lock up front, so no upgrade deadlock). */
  write<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    const tx = this.db.transaction(fn);
    return (...args: A) => tx.immediate(...args);
  }

  /** Run `fn` in a read transaction: every query in it sees one snapshot. */
  read<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    const tx = this.db.transaction(fn);
    return (...args: A) => tx.deferred(...args);
  }

  /** False once closed. */
  get open(): boolean {
    return this.db.open;
  }

  /** Close the database (idempotent); cached statements go with it. */
  close(): void {
    this.statements.clear();
    this.valueStatements.clear();
    if (this.db.open) this.db.close();
  }
}
