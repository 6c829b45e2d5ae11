// Durable state: the Store interface and its backends.
export type {
  HostFilter,
  HostUpdate,
  JobFilter,
  JobUpdate,
  Lease,
  NewJob,
  OutputAppend,
  OutputPage,
  OutputRange,
  ProgressBatch,
  Store,
  StoreCapabilities,
  UserRecord,
} from './types.ts';
export { openSqliteStore } from './sqlite/sqlite-store.ts';
export type { SqliteStoreOptions } from './sqlite/sqlite-store.ts';
