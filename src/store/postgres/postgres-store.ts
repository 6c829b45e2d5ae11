// The PostgreSQL Store: a pg Pool, each method one transaction (or one statement), errors as PogoErrors.
import type { Store, StoreCapabilities, StoreChange } from '../types.ts';
import { appendAudit, readAudit } from './audit-queries.ts';
import { lastEventSeq, readEvents } from './event-queries.ts';
import { allHosts, getHost, hostHistory, listHosts } from './host-queries.ts';
import { activeJobs, countJobsByState, createJob, getJob } from './job-queries.ts';
import { findJobs, resolveJobId } from './job-search.ts';
import { acquireLease, releaseLease } from './lease-queries.ts';
import { loadMigrations, migrate } from './migrations.ts';
import { getNamespace, listNamespaces, putNamespace } from './namespace-queries.ts';
import { lastOutputSeq, readOutput } from './output-queries.ts';
import type { Sql } from './pg-connection.ts';
import { PgConnection } from './pg-connection.ts';
import { toStoreError } from './pg-errors.ts';
import type { PostgresStoreOptions } from './postgres-options.ts';
import { compilePostgresOptions } from './postgres-options.ts';
import { recordProgress } from './progress-queries.ts';
import { carrierChange, jobChange, progressChanges, relayChanges, requestChange } from '../change-feed.ts';
import { ChangeListener } from './change-listener.ts';
import {
  acquireNamespaceLease,
  activeLeases,
  addJobRequest,
  finishJobRequest,
  getJobRequest,
  notify,
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
import { pruneJobData } from './retention-queries.ts';
import { addToken, findToken, revokeToken, touchToken } from './token-queries.ts';
import { createUser, getUser, listUsers, removeGrant, revokeUser, setGrant } from './user-queries.ts';

const CAPABILITIES = { dialect: 'postgres', shared: true } as const satisfies StoreCapabilities;

type Query<A extends unknown[], R> = (s: Sql, ...args: A) => Promise<R>;

/**
 * Open the PostgreSQL store at `options.url` (a pool; nothing connects until the first call). Call
 * `migrate()` before anything else: it creates the schema when missing. Throws STORE_UNAVAILABLE for
 * options it cannot use; every method rejects with STORE_UNAVAILABLE when the database cannot be reached,
 * with a message that names host, port and database but never the password.
 */
export function openPostgresStore(options: PostgresStoreOptions): Store {
  const compiled = compilePostgresOptions(options);
  const c = new PgConnection(compiled);
  const fail = (what: string) => (e: unknown) => Promise.reject(toStoreError(e, what, compiled));
  /** Writes: BEGIN … COMMIT (ROLLBACK on any error). */
  const w =
    <A extends unknown[], R>(what: string, fn: Query<A, R>) =>
    (...args: A): Promise<R> =>
      c.write((s) => fn(s, ...args)).catch(fail(what));
  /** Writes that other servers hear of: NOTIFY in the same transaction, delivered when it commits. */
  const wn =
    <A extends unknown[], R>(what: string, fn: Query<A, R>, changes: (args: A, result: R) => StoreChange[]) =>
    (...args: A): Promise<R> =>
      c
        .write(async (s) => {
          const result = await fn(s, ...args);
          await notify(s, changes(args, result));
          return result;
        })
        .catch(fail(what));
  const listener = new ChangeListener(compiled);
  /** Reads of several statements: one REPEATABLE READ snapshot. */
  const r =
    <A extends unknown[], R>(what: string, fn: Query<A, R>) =>
    (...args: A): Promise<R> =>
      c.read((s) => fn(s, ...args)).catch(fail(what));
  /**
   * Reads of one statement on any pooled connection. Some make a second one only to tell an unknown job
   * from an empty result; jobs are never deleted, so that answer cannot change between the two.
   */
  const q =
    <A extends unknown[], R>(what: string, fn: Query<A, R>) =>
    (...args: A): Promise<R> =>
      fn(c.direct, ...args).catch(fail(what));
  return {
    capabilities: CAPABILITIES,
    migrate: () => migrate(c, loadMigrations(), Date.now()).catch(fail('migrate the database')),
    close: () =>
      listener
        .close()
        .then(() => c.close())
        .catch(fail('close the database')),
    watch: (l) => listener.watch(l),

    createJob: wn('create the job', createJob, ([job]) => [jobChange(job.id)]),
    getJob: q('read the job', getJob),
    resolveJobId: r('resolve the job id', resolveJobId),
    findJobs: q('list jobs', findJobs),
    activeJobs: q('list active jobs', activeJobs),
    countJobsByState: q('count jobs', countJobsByState),

    acquireLease: w('acquire the lease', acquireLease),
    releaseLease: wn('release the lease', releaseLease, ([jobId]) => [jobChange(jobId)]),
    acquireNamespaceLease: w('acquire the namespace lease', acquireNamespaceLease),
    releaseNamespaceLease: wn('release the namespace lease', releaseNamespaceLease, () => [{ topic: 'job' }]),
    activeLeases: q('list active jobs', activeLeases),
    addJobRequest: wn('queue the request', addJobRequest, (_, req) => [requestChange(req)]),
    openJobRequests: q('read requests', openJobRequests),
    finishJobRequest: wn('answer the request', finishJobRequest, () => [{ topic: 'request' }]),
    getJobRequest: q('read the request', getJobRequest),

    claimRelayTasks: wn('claim relayed tasks', claimRelayTasks, (_, rows) => relayChanges(rows)),
    adoptRelayTasks: wn('take over relayed tasks', adoptRelayTasks, (_, keys) => relayChanges(keys)),
    releaseRelayTasks: wn('release relayed tasks', releaseRelayTasks, () => [carrierChange]),
    cancelRelayTasks: wn('cancel relayed tasks', cancelRelayTasks, () => [carrierChange]),
    relayTasksOf: q('read relayed tasks', relayTasksOf),
    carriedRelayTasks: q('read relayed tasks', carriedRelayTasks),
    heartbeat: wn('record the heartbeat', heartbeat, ([beat]) =>
      beat.free > 0 ? [{ topic: 'servers' }] : [],
    ),
    listServers: q('list servers', listServers),

    listHosts: q('list hosts', listHosts),
    allHosts: q('list hosts', allHosts),
    getHost: q('read the host', getHost),
    hostHistory: q('read the host history', hostHistory),

    recordProgress: wn('record progress', recordProgress, ([batch]) => progressChanges(batch)),
    pruneJobData: w('prune old jobs', pruneJobData),
    lastEventSeq: q('read events', lastEventSeq),
    readEvents: q('read events', readEvents),
    readOutput: r('read output', readOutput),
    lastOutputSeq: q('read output', lastOutputSeq),

    putNamespace: w('store the namespace', putNamespace),
    getNamespace: q('read the namespace', getNamespace),
    listNamespaces: q('list namespaces', listNamespaces),

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
    readAudit: q('read the audit trail', readAudit),
  };
}
