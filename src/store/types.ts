// The Store: every durable thing Pogo keeps, as domain verbs. Backends (SQLite, PostgreSQL) implement it; no SQL outside.
import type {
  AuditRecord,
  HostOutcome,
  EventRecord,
  HostCounts,
  HostRecord,
  HostState,
  JobOptions,
  JobRecord,
  JobState,
  NamespaceVersion,
  OutputChunkRecord,
  Page,
  RoleGrant,
  TokenInfo,
  UserView,
} from '../model/index.ts';

/** A new job and its hosts, in plan order. */
export interface NewJob {
  readonly id: string;
  readonly namespace: string;
  readonly user: string;
  readonly command: string;
  readonly targets: string;
  readonly createdAt: number;
  readonly configVersion: number | null;
  readonly options: JobOptions;
  readonly rollbackOf: string | null;
  /** The job's hosts in plan order; all start `waiting`. */
  readonly hosts: readonly string[];
}

/** A change to a job row. Only the fields given change. */
export interface JobUpdate {
  readonly id: string;
  readonly state?: JobState;
  readonly reason?: string;
  readonly startedAt?: number | null;
  readonly endedAt?: number | null;
  readonly counts?: HostCounts;
}

/** A change to one host row. Only the fields given change. */
export interface HostUpdate {
  readonly jobId: string;
  readonly host: string;
  readonly state?: HostState;
  readonly attempt?: number;
  readonly startedAt?: number | null;
  readonly endedAt?: number | null;
  readonly exitCode?: number | null;
  readonly signal?: string | null;
  readonly message?: string;
  readonly errorCode?: string | null;
  readonly worker?: string | null;
  readonly truncated?: boolean;
}

/** Output to append; `offset` is computed by the store (bytes of that host attempt so far). */
export type OutputAppend = Omit<OutputChunkRecord, 'offset'>;

/** Everything the dispatcher learned since its last write, committed at once (one transaction, one fsync). */
export interface ProgressBatch {
  /**
   * The writer's lease epoch per job it writes about: the store rejects the batch (LEASE_LOST) if a job's
   * epoch moved on. `null` for a job another server drives, of which this batch only carries output and
   * relay results (tasks this server's workers run for it): its row is locked, its epoch not checked.
   */
  readonly epochs: ReadonlyMap<string, number | null>;
  readonly jobs: readonly JobUpdate[];
  readonly hosts: readonly HostUpdate[];
  /** Events with the seq the writer assigned (per job, increasing, no gaps); a duplicate (jobId, seq) is an error. */
  readonly events: readonly EventRecord[];
  /** Output chunks; a duplicate (jobId, host, attempt, seq) is ignored (idempotent resends). Bytes count into `outputBytes`. */
  readonly output: readonly OutputAppend[];
  /** Tasks offered to other servers' workers (written with their hosts' `running` rows); a known key is kept as it is. */
  readonly relayOffers?: readonly RelayOffer[];
  /** Relay rows the job's owner is done with (result taken, or the host ended otherwise): deleted. */
  readonly relayDone?: readonly RelayKey[];
  /** Results of relayed tasks, stored by the server whose worker ran them; a row that has one already keeps it. */
  readonly relayResults?: readonly RelayResultWrite[];
}

/** One task attempt handed between servers. */
export interface RelayKey {
  readonly jobId: string;
  readonly host: string;
  readonly attempt: number;
}

/** A task the job's owner offers to any server with a free worker. */
export interface RelayOffer extends RelayKey {
  readonly offeredAt: number;
}

/** What the worker reported of a relayed task, stored for the job's owner. */
export interface RelayResult {
  readonly outcome: HostOutcome;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly message: string;
  readonly errorCode?: string | undefined;
  readonly startedAt?: number | undefined;
  readonly endedAt: number;
  readonly truncated: boolean;
}

export interface RelayResultWrite extends RelayKey {
  readonly result: RelayResult;
}

/** A relay row: offered by the job's owner, claimed by a carrier (a server and its worker), its result. */
export interface RelayTask extends RelayOffer {
  /** The server whose worker runs it; null while it waits for one. */
  readonly claimedBy: string | null;
  /** That server's worker instance. */
  readonly worker: string | null;
  readonly claimedAt: number | null;
  /** Set by the job's owner to stop the task (halt --kill, timeout): the carrier tells its worker. */
  readonly cancel: string | null;
  readonly result: RelayResult | null;
}

/** A carrier's worker with room, for claiming offered tasks. */
export interface RelayClaimSlot {
  readonly worker: string;
  readonly free: number;
}

/** A server's heartbeat: the worker capacity it has left over for other servers' tasks, and its own open offers. */
export interface ServerBeat {
  readonly name: string;
  readonly free: number;
  readonly offered: number;
  readonly seenAt: number;
  readonly expiresAt: number;
}

export interface JobFilter {
  readonly user?: string;
  readonly state?: readonly JobState[];
  readonly namespace?: string;
  /** Only jobs of these namespaces (the caller's visible ones); empty: none. */
  readonly namespaces?: readonly string[];
  /** Jobs that include this host. */
  readonly host?: string;
  /** Substring of the command, the targets or the id. */
  readonly text?: string;
  /** Opaque cursor from a previous page. */
  readonly cursor?: string;
  /** Page size (default 50, at most 500). Newest first. */
  readonly limit?: number;
}

export interface HostFilter {
  readonly state?: readonly HostState[];
  /** Substring of the host name. */
  readonly text?: string;
  readonly cursor?: string;
  /** Page size (default 100, at most 5,000). Plan order. */
  readonly limit?: number;
}

export interface OutputRange {
  /** Which attempt (default: the host's current attempt). */
  readonly attempt?: number;
  /** Byte offset to start from (default 0). */
  readonly offset?: number;
  /** Bytes at most (default 1 MiB). Whole chunks are returned; a chunk spanning `offset` is cut at it. */
  readonly limit?: number;
}

export interface OutputPage {
  readonly attempt: number;
  readonly chunks: readonly OutputChunkRecord[];
  /** Offset to ask for next; equals `total` when everything was read. */
  readonly nextOffset: number;
  readonly total: number;
  readonly truncated: boolean;
}

/** A job's lease: who drives it, from which epoch (fencing token), until when. */
export interface Lease {
  readonly jobId: string;
  readonly owner: string;
  readonly epoch: number;
  readonly expiresAt: number;
}

/** A namespace's lease: the one dispatcher that decides for every running job of the namespace. */
export interface NamespaceLease {
  readonly namespace: string;
  readonly owner: string;
  readonly epoch: number;
  readonly expiresAt: number;
}

/** An active job as the takeover scan sees it: its lease, not its options (which may hold a 64 MiB script). */
export interface ActiveJobLease {
  readonly jobId: string;
  readonly namespace: string;
  readonly state: JobState;
  readonly createdAt: number;
  /** Null when no dispatcher holds the lease. */
  readonly owner: string | null;
  readonly expiresAt: number | null;
}

/** An operator's action on a job, as another server hands it to the job's owner. */
export type JobAction =
  | { readonly kind: 'halt'; readonly kill: boolean }
  | { readonly kind: 'resume' }
  | { readonly kind: 'retry'; readonly hosts: readonly string[] }
  | { readonly kind: 'skip'; readonly hosts: readonly string[] };

/** Why a request failed, as the owner's PogoError said. */
export interface RequestError {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
}

/** An action waiting for (or done by) the job's owner. */
export interface JobRequest {
  readonly id: number;
  readonly jobId: string;
  readonly action: JobAction;
  readonly by: string;
  readonly createdAt: number;
  /** When the owner carried it out (or refused it); null while it waits. */
  readonly doneAt: number | null;
  readonly error: RequestError | null;
}

/**
 * Something other servers should know: a job was created or its lease freed (`job`), events were stored
 * (`events`), a request was added or answered (`request`), a relayed task of the job was claimed or has a
 * result (`relay` with the job: for its owner), tasks were offered, released or cancelled (`relay` without
 * a job: for carriers), a server has worker capacity to spare (`servers`); `resync` when notifications may
 * have been missed (the listening connection was re-established): check everything.
 */
export interface StoreChange {
  readonly topic: 'job' | 'events' | 'request' | 'relay' | 'servers' | 'resync';
  readonly jobId?: string;
}

/** A user and the roles they hold per namespace (`*`: every namespace). */
export interface UserRecord {
  readonly name: string;
  readonly createdAt: number;
  /** When the user was revoked, else null: a revoked user has no access. */
  readonly disabledAt: number | null;
  readonly grants: readonly RoleGrant[];
}

/** A token to store: its public id and the hash of its secret (never the secret). */
export interface NewToken {
  readonly user: string;
  /** Short public id, unique. */
  readonly id: string;
  /** sha256 hex of the secret. */
  readonly hash: string;
  readonly label: string;
  readonly createdAt: number;
  /** Null: never expires. */
  readonly expiresAt: number | null;
}

/** A token found by its hash, with its user; revoked and expired tokens are returned too (the caller decides). */
export interface TokenMatch {
  readonly user: UserRecord;
  readonly token: TokenInfo;
}

/** Which audit entries to read, newest first. */
export interface AuditFilter {
  readonly subject?: string;
  readonly user?: string;
  /** Exact action (`job.halt`) or a prefix ending in a dot (`user.`). */
  readonly action?: string;
  /** Entries at or after this time (ms). */
  readonly since?: number;
  /** Default 100, at most 10,000. */
  readonly limit?: number;
}

/** What one retention pass removed. */
export interface PruneResult {
  /** Jobs whose events and output were deleted (their job and host rows stay). */
  readonly jobs: number;
  readonly events: number;
  readonly outputChunks: number;
}

/** What a backend can do, in one typed table (not `if (pg)` scattered around). */
export interface StoreCapabilities {
  readonly dialect: 'sqlite' | 'postgres';
  /** Several servers may share it (leases matter). */
  readonly shared: boolean;
}

/**
 * Pogo's durable state. Every method is one transaction. Methods reject with PogoError:
 * `STORE_NOT_FOUND` (unknown job/host/namespace), `STORE_CONFLICT` (duplicate id or seq), `LEASE_LOST`
 * (a write from an older epoch), `STORE_UNAVAILABLE` (the database cannot be reached or written).
 */
export interface Store {
  readonly capabilities: StoreCapabilities;

  /** Apply numbered migrations not yet applied; returns how many ran. Idempotent. */
  migrate(): Promise<number>;
  close(): Promise<void>;

  // Jobs
  createJob(job: NewJob): Promise<JobRecord>;
  getJob(id: string): Promise<JobRecord>;
  /** A full id from a unique prefix, or `last` (the newest job, of `user` when given). STORE_NOT_FOUND / STORE_CONFLICT (ambiguous). */
  resolveJobId(ref: string, user?: string): Promise<string>;
  findJobs(filter: JobFilter): Promise<Page<JobRecord>>;
  /** Jobs in `pending`, `running` or `needs-password` (what a starting dispatcher must drive). */
  activeJobs(): Promise<readonly JobRecord[]>;
  /** How many jobs are in each state, every state present (zero included): the `/metrics` gauges. */
  countJobsByState(): Promise<Record<JobState, number>>;

  // Leases (fencing)
  /** Take the job if its lease is free or expired (epoch + 1), or renew it if `owner` holds it. Undefined if another owner holds a live lease. */
  acquireLease(jobId: string, owner: string, ttlMs: number, now: number): Promise<Lease | undefined>;
  releaseLease(jobId: string, owner: string, epoch: number): Promise<void>;
  /** Like `acquireLease`, for a namespace: take it when free or expired (epoch + 1), renew it when `owner` holds it. */
  acquireNamespaceLease(
    namespace: string,
    owner: string,
    ttlMs: number,
    now: number,
  ): Promise<NamespaceLease | undefined>;
  releaseNamespaceLease(namespace: string, owner: string, epoch: number): Promise<void>;
  /** The lease of every active job (pending, running, needs-password), oldest first. */
  activeLeases(): Promise<readonly ActiveJobLease[]>;

  // Requests across servers
  /** Queue an action for the job's owner. STORE_NOT_FOUND for an unknown job. */
  addJobRequest(jobId: string, action: JobAction, by: string, now: number): Promise<JobRequest>;
  /** Requests not yet done for these jobs, oldest first. */
  openJobRequests(jobIds: readonly string[]): Promise<readonly JobRequest[]>;
  /** Mark a request done (error null) or refused; a request already done stays as it was. */
  finishJobRequest(id: number, error: RequestError | null, now: number): Promise<void>;
  /** STORE_NOT_FOUND when there is no such request. */
  getJobRequest(id: number): Promise<JobRequest>;
  /**
   * Be told of changes other servers (or this one) committed; returns the unsubscribe. PostgreSQL:
   * LISTEN/NOTIFY on a dedicated connection, re-established when it drops (then `resync`).
   */
  watch(listener: (change: StoreChange) => void): () => void;

  // Relay: tasks of a job run by the workers of another server than the job's owner
  /**
   * Claim offered tasks, oldest first, for `carrier`'s workers: at most `free` per slot. Rows another
   * transaction holds are skipped (FOR UPDATE SKIP LOCKED), so each task is claimed once.
   */
  claimRelayTasks(
    carrier: string,
    slots: readonly RelayClaimSlot[],
    now: number,
  ): Promise<readonly RelayTask[]>;
  /**
   * A worker of `carrier` holds these tasks (it said so in its hello): the carrier takes them over. A row
   * that exists is claimed whatever its state; a missing one is added, claimed, when its host is running at
   * that attempt. Returns the keys now carried by `carrier`.
   */
  adoptRelayTasks(
    carrier: string,
    worker: string,
    keys: readonly RelayKey[],
    now: number,
  ): Promise<readonly RelayKey[]>;
  /** Give claimed tasks that never reached a worker back to the offers (only `carrier`'s claims). */
  releaseRelayTasks(carrier: string, keys: readonly RelayKey[]): Promise<void>;
  /** Ask the carriers of these tasks to stop them. */
  cancelRelayTasks(keys: readonly RelayKey[], reason: string): Promise<void>;
  /** Every relay row of these jobs. */
  relayTasksOf(jobIds: readonly string[]): Promise<readonly RelayTask[]>;
  /** The rows `carrier` holds claimed. */
  carriedRelayTasks(carrier: string): Promise<readonly RelayTask[]>;
  /**
   * Record `beat` (expiring after `ttlMs`) and return every server's last beat (rows expired for a day are
   * removed). Announces `servers` when `beat.free` > 0.
   */
  heartbeat(
    beat: Omit<ServerBeat, 'seenAt' | 'expiresAt'>,
    ttlMs: number,
    now: number,
  ): Promise<readonly ServerBeat[]>;
  /** Every server's last beat. */
  listServers(): Promise<readonly ServerBeat[]>;

  // Hosts
  listHosts(jobId: string, filter?: HostFilter): Promise<Page<HostRecord>>;
  /** Every host of the job in plan order (recovery, rollback). */
  allHosts(jobId: string): Promise<readonly HostRecord[]>;
  getHost(jobId: string, host: string): Promise<HostRecord>;
  /** Runs of `host` across jobs, newest first. */
  hostHistory(host: string, limit?: number): Promise<readonly HostRecord[]>;

  // Progress
  recordProgress(batch: ProgressBatch): Promise<void>;
  /** The highest event seq of the job (0 when none). */
  lastEventSeq(jobId: string): Promise<number>;
  /** Events with seq > `afterSeq`, oldest first, at most `limit` (default 1,000). */
  readEvents(jobId: string, afterSeq: number, limit?: number): Promise<readonly EventRecord[]>;
  readOutput(jobId: string, host: string, range?: OutputRange): Promise<OutputPage>;
  /** Last output seq stored for a host attempt (-1 when none): where a worker's resend starts. */
  lastOutputSeq(jobId: string, host: string, attempt: number): Promise<number>;

  // Retention
  /**
   * Delete the events and output of at most `limit` finished jobs (succeeded, failed, halted) that ended
   * before `endedBefore`, oldest first; job rows, host rows and the audit trail are kept. Each call is one
   * short transaction: call again until it prunes fewer than `limit`.
   */
  pruneJobData(endedBefore: number, limit: number, now: number): Promise<PruneResult>;

  // Namespaces
  /** Store a new version of a namespace config (text verbatim); versions count from 1. */
  putNamespace(namespace: string, text: string, user: string, now: number): Promise<NamespaceVersion>;
  /** The given version, or the newest. STORE_NOT_FOUND when none. */
  getNamespace(namespace: string, version?: number): Promise<NamespaceVersion>;
  /** Every namespace with its newest version. */
  listNamespaces(): Promise<readonly NamespaceVersion[]>;

  // Users, grants, tokens, audit
  /** Add a user with these grants. STORE_CONFLICT when the name is taken (a revoked user too). */
  createUser(name: string, grants: readonly RoleGrant[], now: number): Promise<UserRecord>;
  /** Every user by name, with grants (by namespace) and tokens (oldest first) — ids and dates, never hashes. */
  listUsers(): Promise<readonly UserView[]>;
  /** The user, or STORE_NOT_FOUND. */
  getUser(name: string): Promise<UserRecord>;
  /** Give `user` `grant.role` on `grant.namespace`, replacing the role held there. STORE_NOT_FOUND for an unknown user. */
  setGrant(user: string, grant: RoleGrant, now: number): Promise<UserRecord>;
  /** Take the user's role on `namespace` away. STORE_NOT_FOUND when there is none. */
  removeGrant(user: string, namespace: string): Promise<UserRecord>;
  /** Store a token by its hash. STORE_NOT_FOUND for an unknown user, STORE_CONFLICT for a known id or hash. */
  addToken(token: NewToken): Promise<TokenInfo>;
  /** Revoke one token of `user` by id (idempotent: the first revocation time stays). STORE_NOT_FOUND when it is not theirs. */
  revokeToken(user: string, id: string, now: number): Promise<TokenInfo>;
  /** Revoke the user: every token revoked, the user disabled (grants kept for the record). STORE_NOT_FOUND. */
  revokeUser(user: string, now: number): Promise<UserRecord>;
  /** The token with this hash and its user, or undefined. */
  findToken(tokenHash: string): Promise<TokenMatch | undefined>;
  /** Record that a token was used at `now` (callers throttle: this is a write). */
  touchToken(id: string, now: number): Promise<void>;
  appendAudit(entry: Omit<AuditRecord, 'id'>): Promise<void>;
  readAudit(filter: AuditFilter): Promise<readonly AuditRecord[]>;
}
