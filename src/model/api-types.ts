// Shapes of the HTTP API's requests and answers that are not stored records (submit, views, plan preview).
import type { SealedEnvelope } from './envelope.ts';
import type { JobRecord } from './records.ts';

/** POST /v1/jobs. Limits are `N` or `N%`; durations in ms. Omitted fields take the documented defaults. */
export interface SubmitJobRequest {
  /** Default `default` (no config: the targets are plain host names and patterns). */
  readonly namespace?: string;
  readonly command: string;
  /** Target expression: `h1,h2`, `web[01-20]`, `$tag`, `a&b`, `!x` (no `@file`: the server cannot read the client's files). */
  readonly targets: string;
  readonly maxParallel?: string;
  readonly maxFailures?: string;
  /** Per-host timeout (default 600,000). */
  readonly timeoutMs?: number;
  readonly jobTimeoutMs?: number;
  readonly retries?: number;
  readonly retryDelayMs?: number;
  readonly runAs?: string;
  readonly hooks?: {
    readonly pre?: boolean;
    readonly post?: boolean;
    readonly preDir?: string;
    readonly postDir?: string;
    readonly inlinePre?: readonly string[];
    readonly inlinePost?: readonly string[];
  };
  /** Default 1 MiB. */
  readonly outputCapBytes?: number;
  readonly file?: { readonly name: string; readonly contentBase64: string; readonly args: readonly string[] };
  /** The operator's password and/or SSH key sealed to the workers' certificates (`pogo run --password`). */
  readonly envelope?: SealedEnvelope;
}

/** GET /v1/jobs/:id: the record plus what only the driving dispatcher knows. */
export interface JobView extends JobRecord {
  /** A dispatcher drives it now (running, draining, or waiting on other jobs' slots). */
  readonly live: boolean;
  readonly draining: boolean;
  /** Groups that parked hosts wait on, with usage (`$frontend (5/5)`). */
  readonly blocking: readonly string[];
  /** The seq of the job's newest event when it was read: follow the SSE stream `?after=` it. */
  readonly lastSeq: number;
}

/** POST /v1/namespaces/:ns/targets: the hosts a target expression names, in order. */
export interface TargetsPreview {
  readonly namespace: string;
  /** The config version the expression was resolved against (null: the namespace has no config). */
  readonly configVersion: number | null;
  readonly hosts: readonly string[];
  /** What loading the config went on despite (an `http` source served from its cache). */
  readonly warnings?: readonly string[];
}

/** GET /v1/namespaces/:ns/tags: the tags of the namespace's newest config, with their host counts. */
export interface TagList {
  readonly namespace: string;
  readonly configVersion: number;
  readonly tags: readonly { readonly name: string; readonly hosts: number }[];
}

/** POST /v1/namespaces/:ns/plan: the plan for targets, as `pogo schedule` shows it. */
export interface PlanPreview {
  readonly namespace: string;
  readonly configVersion: number | null;
  readonly hosts: readonly string[];
  readonly threads: readonly {
    readonly id: string;
    readonly slots: readonly { readonly label: string; readonly hosts: readonly string[] }[];
  }[];
  readonly unordered: readonly string[];
  readonly groups: readonly {
    readonly id: string;
    readonly label: string;
    readonly limit: number;
    readonly spec: string;
    readonly jobHosts: number;
  }[];
}

/** A role, lowest first: viewer reads, operator runs and steers jobs, admin pushes configs and manages users. */
export type Role = 'viewer' | 'operator' | 'admin';

/** A role held on one namespace, or on every namespace (`*`). */
export interface RoleGrant {
  readonly namespace: string;
  readonly role: Role;
}

/** Who is calling: resolved from the token by the API, recorded in the audit trail. */
export interface Actor {
  readonly user: string;
  /** The highest role the caller holds anywhere (what `/v1/me` shows first). */
  readonly role: Role;
  readonly remote: string;
  /** Roles per namespace; absent: `role` holds on every namespace (`*`). */
  readonly grants?: readonly RoleGrant[];
}

/** An API token as lists show it: its public id and dates, never the secret or its hash. */
export interface TokenInfo {
  /** Short public id (`pogo users revoke NAME --token ID`). */
  readonly id: string;
  readonly label: string;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly revokedAt: number | null;
  readonly lastUsedAt: number | null;
}

/** A user with their grants and tokens. */
export interface UserView {
  readonly name: string;
  readonly createdAt: number;
  /** When the user was revoked (every token revoked, no access), else null. */
  readonly disabledAt: number | null;
  readonly grants: readonly RoleGrant[];
  readonly tokens: readonly TokenInfo[];
}

/** The body of every API error. */
export interface ApiErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly hint?: string };
}
