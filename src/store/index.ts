// Durable state: the Store interface and its backends.
export type {
  ActiveJobLease,
  AuditFilter,
  HostFilter,
  HostUpdate,
  JobAction,
  JobFilter,
  JobRequest,
  JobUpdate,
  Lease,
  NamespaceLease,
  NewJob,
  NewToken,
  OutputAppend,
  OutputPage,
  OutputRange,
  ProgressBatch,
  PruneResult,
  RelayClaimSlot,
  RelayKey,
  RelayOffer,
  RelayResult,
  RelayResultWrite,
  RelayTask,
  ServerBeat,
  Store,
  RequestError,
  StoreCapabilities,
  StoreChange,
  TokenMatch,
  UserRecord,
} from './types.ts';
export { openSqliteStore } from './sqlite/sqlite-store.ts';
export type { SqliteStoreOptions } from './sqlite/sqlite-store.ts';
export { openPostgresStore } from './postgres/postgres-store.ts';
export { isPostgresUrl, redactPostgresUrl } from './postgres/postgres-options.ts';
export type { PostgresStoreOptions } from './postgres/postgres-options.ts';
