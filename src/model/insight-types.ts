// Read-only views the web UI needs beyond records: a job's plan with host indices, output digests, namespace use.
import type { JobView } from './api-types.ts';
import type { HostState } from './states.ts';

/** GET /v1/jobs/:ref/plan: the job's plan as it runs; host lists are indices into `hosts` (plan order = HostRecord.index). */
export interface JobPlanView {
  readonly jobId: string;
  readonly namespace: string;
  readonly configVersion: number | null;
  readonly hosts: readonly string[];
  readonly threads: readonly {
    readonly id: string;
    readonly slots: readonly { readonly label: string; readonly hosts: readonly number[] }[];
  }[];
  /** Hosts no sequence orders. */
  readonly unordered: readonly number[];
  /** The constraint groups of the job's hosts (`@job` for `maxParallel`) and which of its hosts each holds. */
  readonly groups: readonly {
    readonly id: string;
    readonly label: string;
    /** Namespace-wide limit. */
    readonly limit: number;
    readonly spec: string;
    readonly hosts: readonly number[];
  }[];
}

/**
 * GET /v1/jobs/:ref/snapshot: the job and every host at once, in columns indexed by plan order (a 10,000-host
 * job in one small answer). The job view and the columns are at least as new as `job.lastSeq`.
 */
export interface JobSnapshot {
  readonly job: JobView;
  readonly hosts: readonly string[];
  readonly state: readonly HostState[];
  readonly attempt: readonly number[];
  readonly startedAt: readonly (number | null)[];
  readonly endedAt: readonly (number | null)[];
  readonly exitCode: readonly (number | null)[];
  readonly message: readonly string[];
}

/** Hosts whose output (stdout and stderr of their current attempt) is byte for byte the same. */
export interface OutputGroup {
  /** SHA-256 (hex, first 16 characters) of the output; the same digest means the same bytes. */
  readonly digest: string;
  readonly bytes: number;
  /** Host names, plan order. */
  readonly hosts: readonly string[];
}

/** GET /v1/jobs/:ref/output-groups: `dshbak -c` for a job, largest group first. */
export interface OutputGroups {
  readonly jobId: string;
  readonly groups: readonly OutputGroup[];
  /** Hosts that have not run yet (waiting, ready, halted, skipped before running): not grouped. */
  readonly notRun: number;
}

/** One constraint group of a namespace with what running jobs hold of it now. */
export interface GroupUsage {
  readonly id: string;
  readonly label: string;
  readonly spec: string;
  readonly limit: number;
  /** Hosts of the group in the config. */
  readonly hosts: number;
  /** Hosts of the group running now, across the namespace's active jobs. */
  readonly running: number;
  /** Failed hosts of active jobs: they keep their slot until retried, skipped or the job ends. */
  readonly failed: number;
}

/** GET /v1/namespaces/:ns/overview: the newest config resolved, and its use by active jobs. */
export interface NamespaceOverview {
  readonly namespace: string;
  readonly version: number;
  readonly user: string;
  readonly createdAt: number;
  readonly text: string;
  /** Every host of the config, first-appearance order. */
  readonly hosts: readonly string[];
  /** Each tag path with its hosts (the tag's and its descendants'). */
  readonly tags: readonly { readonly path: string; readonly hosts: readonly string[] }[];
  readonly groups: readonly GroupUsage[];
  /** Active jobs (pending, running, needs-password) of the namespace: what they hold. */
  readonly jobs: readonly {
    readonly id: string;
    readonly user: string;
    readonly state: string;
    readonly running: number;
    readonly failed: number;
  }[];
}
