// Durable state: the Store interface and its backends.
export type {
  AuditFilter,
  HostFilter,
  HostUpdate,
  JobFilter,
  JobUpdate,
  Lease,
  NewJob,
  NewToken,
  OutputAppend,
  OutputPage,
  OutputRange,
  ProgressBatch,
  PruneResult,
  Store,
  StoreCapabilities,
  TokenMatch,
  UserRecord,
} from './types.ts';
export { openSqliteStore } from './sqlite/sqlite-store.ts';
export type { SqliteStoreOptions } from './sqlite/sqlite-store.ts';
export { openPostgresStore } from './postgres/postgres-store.ts';
export { isPostgresUrl, redactPostgresUrl } from './postgres/postgres-options.ts';
export type { PostgresStoreOptions } from './postgres/postgres-options.ts';
