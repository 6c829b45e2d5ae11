// The SQLite Store: one better-sqlite3 connection, each method one transaction, errors as PogoErrors.
import type { Store, StoreCapabilities, StoreChange } from '../types.ts';
import { SqliteConnection } from './connection.ts';
import { getHost, allHosts, hostHistory, listHosts } from './host-queries.ts';
import { lastEventSeq, readEvents } from './event-queries.ts';
import { activeJobs, countJobsByState, createJob, getJob } from './job-queries.ts';
import { findJobs, resolveJobId } from './job-search.ts';
import { acquireLease, releaseLease } from './lease-queries.ts';
import { loadMigrations, migrate } from './migrations.ts';
import { getNamespace, listNamespaces, putNamespace } from './namespace-queries.ts';
import { lastOutputSeq, readOutput } from './output-queries.ts';
import { recordProgress } from './progress-queries.ts';
import { pruneJobData } from './retention-queries.ts';
import { toStoreError } from './sqlite-errors.ts';
import {
  ChangeFeed,
  carrierChange,
  jobChange,
  progressChanges,
  relayChanges,
  requestChange,
} from '../change-feed.ts';
import {
  acquireNamespaceLease,
  activeLeases,
  addJobRequest,
  finishJobRequest,
  getJobRequest,
  openJobRequests,
  releaseNamespaceLease,
} from './cluster-queries.ts';
import {
  adoptRelayTasks,
  cancelRelayTasks,
  carriedRelayTasks,
  claimRelayTasks,
  heartbeat,
  listServers,
  relayTasksOf,
  releaseRelayTasks,
} from './relay-queries.ts';
import { appendAudit, readAudit } from './audit-queries.ts';
import { addToken, findToken, revokeToken, touchToken } from './token-queries.ts';
import { createUser, getUser, listUsers, removeGrant, revokeUser, setGrant } from './user-queries.ts';

/** Options of `openSqliteStore`. */
export interface SqliteStoreOptions {
  /** How long a write waits for another process's lock before STORE_UNAVAILABLE (default 5,000 ms). */
  readonly busyTimeoutMs?: number;
}

const CAPABILITIES = { dialect: 'sqlite', shared: false } as const satisfies StoreCapabilities;

/**
 * Open the SQLite store at `path` (`:memory:` for a private in-memory one), creating the file when needed.
 * Call `migrate()` before anything else. Throws STORE_UNAVAILABLE when the file cannot be opened.
 */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Store {
  const c = new SqliteConnection(path, options.busyTimeoutMs ?? 5_000);
  // better-sqlite3 is synchronous: each method runs to completion (in one transaction) before it returns.
  const w = <A extends unknown[], R>(what: string, fn: (c: SqliteConnection, ...args: A) => R) => {
    const tx = c.write(fn);
    return (...args: A): Promise<R> => settle(what, () => tx(c, ...args));
  };
  const r = <A extends unknown[], R>(what: string, fn: (c: SqliteConnection, ...args: A) => R) => {
    const tx = c.read(fn);
    return (...args: A): Promise<R> => settle(what, () => tx(c, ...args));
  };
  // One process holds the file: its own writes are all the changes there are.
  const feed = new ChangeFeed();
  const tell =
    <A extends unknown[], R>(
      fn: (...args: A) => Promise<R>,
      changes: (args: A, result: R) => StoreChange[],
    ) =>
    async (...args: A): Promise<R> => {
      const result = await fn(...args);
      for (const change of changes(args, result)) feed.emit(change);
      return result;
    };
  return {
    capabilities: CAPABILITIES,
    watch: (listener) => feed.watch(listener),
    migrate: () => settle('migrate the database', () => migrate(c, loadMigrations(), Date.now())),
    close: () => settle('close the database', () => c.close()),

    createJob: tell(w('create the job', createJob), ([job]) => [jobChange(job.id)]),
    getJob: r('read the job', getJob),
    resolveJobId: r('resolve the job id', resolveJobId),
    findJobs: r('list jobs', findJobs),
    activeJobs: r('list active jobs', activeJobs),
    countJobsByState: r('count jobs', countJobsByState),

    acquireLease: w('acquire the lease', acquireLease),
    releaseLease: tell(w('release the lease', releaseLease), ([jobId]) => [jobChange(jobId)]),
    acquireNamespaceLease: w('acquire the namespace lease', acquireNamespaceLease),
    releaseNamespaceLease: tell(w('release the namespace lease', releaseNamespaceLease), () => [
      { topic: 'job' },
    ]),
    activeLeases: r('list active jobs', activeLeases),
    addJobRequest: tell(w('queue the request', addJobRequest), (_, req) => [requestChange(req)]),
    openJobRequests: r('read requests', openJobRequests),
    finishJobRequest: tell(w('answer the request', finishJobRequest), () => [{ topic: 'request' }]),
    getJobRequest: r('read the request', getJobRequest),

    claimRelayTasks: tell(w('claim relayed tasks', claimRelayTasks), (_, rows) => relayChanges(rows)),
    adoptRelayTasks: tell(w('take over relayed tasks', adoptRelayTasks), (_, keys) => relayChanges(keys)),
    releaseRelayTasks: tell(w('release relayed tasks', releaseRelayTasks), () => [carrierChange]),
    cancelRelayTasks: tell(w('cancel relayed tasks', cancelRelayTasks), () => [carrierChange]),
    relayTasksOf: r('read relayed tasks', relayTasksOf),
    carriedRelayTasks: r('read relayed tasks', carriedRelayTasks),
    heartbeat: tell(w('record the heartbeat', heartbeat), ([beat]) =>
      beat.free > 0 ? [{ topic: 'servers' }] : [],
    ),
    listServers: r('list servers', listServers),

    listHosts: r('list hosts', listHosts),
    allHosts: r('list hosts', allHosts),
    getHost: r('read the host', getHost),
    hostHistory: r('read the host history', hostHistory),

    pruneJobData: w('prune old jobs', pruneJobData),
    recordProgress: tell(w('record progress', recordProgress), ([batch]) => progressChanges(batch)),
    lastEventSeq: r('read events', lastEventSeq),
    readEvents: r('read events', readEvents),
    readOutput: r('read output', readOutput),
    lastOutputSeq: r('read output', lastOutputSeq),

    putNamespace: w('store the namespace', putNamespace),
    getNamespace: r('read the namespace', getNamespace),
    listNamespaces: r('list namespaces', listNamespaces),

    createUser: w('create the user', createUser),
    listUsers: r('list users', listUsers),
    getUser: r('read the user', getUser),
    setGrant: w('grant the role', setGrant),
    removeGrant: w('remove the grant', removeGrant),
    revokeUser: w('revoke the user', revokeUser),
    addToken: w('add the token', addToken),
    revokeToken: w('revoke the token', revokeToken),
    findToken: r('look up the token', findToken),
    touchToken: w('record the token use', touchToken),
    appendAudit: w('append to the audit trail', appendAudit),
    readAudit: r('read the audit trail', readAudit),
  };
}

/** `fn`'s result as a resolved promise, or its failure as a rejected one with a PogoError. */
function settle<R>(what: string, fn: () => R): Promise<R> {
  try {
    return Promise.resolve(fn());
  } catch (e: unknown) {
    return Promise.reject(toStoreError(e, what));
  }
}
