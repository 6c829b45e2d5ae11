// Jobs, hosts, events, output, namespaces and workers as the store keeps them and the API, CLI and UI show them.
import type { HostConnect } from './config.ts';
import type { HostCounts } from './counts.ts';
import type { PogoEvent } from './events.ts';
import type { HostState, JobState } from './states.ts';

/** The part of a host task that is the same on every host of a job (serialisable: it crosses the wire). */
export interface TaskSpec {
  /** Shell command line run on each target. */
  readonly command: string;
  /** `--file`: a script copied to each target and run with `args`; content base64. */
  readonly file?: { readonly name: string; readonly contentBase64: string; readonly args: readonly string[] };
  readonly runAs?: string;
  readonly hooks: {
    readonly pre: boolean;
    readonly post: boolean;
    readonly preDir: string;
    readonly postDir: string;
    readonly inlinePre: readonly string[];
    readonly inlinePost: readonly string[];
  };
  /** Per-host timeout, ms (hooks included). */
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly outputCapBytes: number;
}

/** Job-wide options fixed at submit time. Limits are written `N` or `N%`. */
export interface JobOptions {
  readonly maxParallel?: string;
  readonly maxFailures?: string;
  readonly jobTimeoutMs?: number;
  readonly task: TaskSpec;
  /** Submitted with a sealed envelope (password or SSH key): workers need it, the server never keeps it. */
  readonly sealed?: boolean;
  /** Per-host connection settings of the job's hosts from the namespace's inventory (`ansible_host`, …). */
  readonly connect?: Readonly<Record<string, HostConnect>>;
}

export interface JobRecord {
  readonly id: string;
  readonly namespace: string;
  /** Who submitted it. */
  readonly user: string;
  /** The command as the operator wrote it (for lists and search). */
  readonly command: string;
  /** The target expression as submitted (`web[01-20]`, `$frontend`, `h1,h2`). */
  readonly targets: string;
  readonly state: JobState;
  /** Why it is in its state (`halted by alice`, `failure budget exhausted`); empty while running. */
  readonly reason: string;
  /** ms since the epoch. */
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  /** The namespace config version the plan was built from (null: no config, plain host list). */
  readonly configVersion: number | null;
  readonly options: JobOptions;
  readonly hostCount: number;
  /** Hosts by state, as of the last write. */
  readonly counts: HostCounts;
  /** For a rollback job: the job it rolls back. */
  readonly rollbackOf: string | null;
}

/** One host of one job. `attempt` counts dispatches (1 on the first run, +1 per retry). */
export interface HostRecord {
  readonly jobId: string;
  readonly host: string;
  /** Position in the job's plan order (0-based). */
  readonly index: number;
  readonly state: HostState;
  readonly attempt: number;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** One line: `exit 3`, `unreachable: connection refused`, `lost: worker w1 did not come back`. */
  readonly message: string;
  readonly errorCode: string | null;
  /** The worker instance the current attempt was handed to. */
  readonly worker: string | null;
  readonly outputBytes: number;
  readonly truncated: boolean;
}

/** Events that are not the engine's but belong in a job's timeline and audit trail. */
export type JobNoteEvent =
  | { type: 'job:submitted'; t: number; by: string }
  | { type: 'job:halt-requested'; t: number; by: string; kill: boolean }
  | { type: 'host:requeued'; t: number; host: string; reason: string }
  | { type: 'job:needs-password'; t: number; reason: string }
  | { type: 'job:password-given'; t: number; by: string };

/** An event of a job's append-only log. `seq` counts from 1 per job; SSE ids are `seq`. */
export type EventRecord = (PogoEvent | JobNoteEvent) & { readonly seq: number; readonly jobId: string };

/** A piece of one host's output. `offset` is the byte offset of `data` within that host attempt's output. */
export interface OutputChunkRecord {
  readonly jobId: string;
  readonly host: string;
  readonly attempt: number;
  readonly seq: number;
  readonly offset: number;
  readonly t: number;
  readonly stream: 'stdout' | 'stderr' | 'pogo';
  /** `command`, `pre:NAME`, `post:NAME`, `pogo`. */
  readonly source: string;
  readonly data: Buffer;
}

/** A namespace configuration as uploaded: the text is kept verbatim, each upload a new version. */
export interface NamespaceVersion {
  readonly namespace: string;
  readonly version: number;
  readonly text: string;
  readonly user: string;
  readonly createdAt: number;
}

/** Who did what, when and from where (every mutating API call). */
export interface AuditRecord {
  readonly id: number;
  readonly t: number;
  readonly user: string;
  /** `job.submit`, `job.halt`, `job.retry`, `namespace.push`, … */
  readonly action: string;
  /** What it acted on: a job id or a namespace. */
  readonly subject: string;
  readonly detail: string;
  /** Remote address of the caller. */
  readonly remote: string;
}

/** A connected worker as the dispatcher sees it. */
export interface WorkerInfo {
  readonly instance: string;
  readonly name: string;
  readonly capacity: number;
  readonly running: number;
  readonly connectedAt: number;
  readonly lastSeenAt: number;
  readonly remote: string;
}

/** One page of a list; `next` is the cursor for the following page (absent on the last page). */
export interface Page<T> {
  readonly items: readonly T[];
  readonly next?: string;
}
