// PogoService: what the HTTP API (and `pogo one`-style embedders) ask of a running dispatcher.
import type {
  Actor,
  AuditRecord,
  EventRecord,
  HostRecord,
  JobPlanView,
  JobRecord,
  JobSnapshot,
  JobView,
  NamespaceOverview,
  NamespaceVersion,
  OutputGroups,
  Page,
  PlanPreview,
  SealedEnvelope,
  TagList,
  TargetsPreview,
  SubmitJobRequest,
  WorkerCertificate,
  WorkerInfo,
} from '../model/index.ts';
import type { AuditFilter, HostFilter, JobFilter, OutputPage, OutputRange } from '../store/index.ts';

/** Stop listening. Idempotent. */
export type Unsubscribe = () => void;

/** Answers of a config check: where it failed, or what it holds. */
export type NamespaceCheck =
  | {
      readonly ok: true;
      readonly hosts: number;
      readonly tags: number;
      readonly groups: number;
      readonly chains: number;
      /** What the load went on despite (an \`http\` source served from its cache). */
      readonly warnings?: readonly string[];
    }
  | {
      readonly ok: false;
      readonly code: string;
      readonly message: string;
      readonly line?: number;
      readonly column?: number;
      readonly hint?: string;
    };

/**
 * The operations of a running Pogo server. Job references (`ref`) accept a full id, a unique prefix, or
 * `last`. Methods reject with PogoError (STORE_NOT_FOUND, JOB_BAD_REQUEST, JOB_BAD_STATE, CONFIG_*, …);
 * the API maps codes to HTTP statuses.
 */
export interface PogoService {
  /** The user a bearer token belongs to (undefined: unknown token). */
  authenticate(token: string, remote: string): Promise<Actor | undefined>;

  submitJob(request: SubmitJobRequest, actor: Actor): Promise<JobRecord>;
  getJob(ref: string, actor?: Actor): Promise<JobView>;
  listJobs(filter: JobFilter): Promise<Page<JobRecord>>;
  listHosts(ref: string, filter: HostFilter): Promise<Page<HostRecord>>;
  getHost(ref: string, host: string): Promise<HostRecord>;
  hostHistory(host: string, limit?: number): Promise<readonly HostRecord[]>;
  readOutput(ref: string, host: string, range: OutputRange): Promise<OutputPage>;
  /** The job and all its hosts in columns (plan order): what a client follows the stream from. */
  snapshot(ref: string, actor?: Actor): Promise<JobSnapshot>;
  /** The job's plan (threads × slots, groups) with host indices: the UI's timeline and plan view. */
  jobPlan(ref: string): Promise<JobPlanView>;
  /** The job's hosts grouped by identical output (`dshbak -c`), largest group first. */
  outputGroups(ref: string): Promise<OutputGroups>;
  /** A namespace's newest config resolved (hosts, tags, groups) and what its active jobs hold. */
  namespaceOverview(namespace: string): Promise<NamespaceOverview>;
  readEvents(ref: string, afterSeq: number, limit?: number): Promise<readonly EventRecord[]>;
  /**
   * Every event of the job with seq > `afterSeq`, in order, without gaps or repeats: first the stored ones,
   * then live ones as they are committed. `onEnd` is called once the job is terminal and all its events
   * were delivered (the stream may then close), unless the job is re-opened first.
   */
  subscribe(
    jobId: string,
    afterSeq: number,
    listener: (event: EventRecord) => void,
    onEnd?: () => void,
  ): Promise<Unsubscribe>;

  halt(ref: string, actor: Actor, options?: { readonly kill?: boolean }): Promise<JobView>;
  /** Resume a halted job; `envelope` gives the password again to a job in `needs-password`. */
  resume(ref: string, actor: Actor, options?: { readonly envelope?: SealedEnvelope }): Promise<JobView>;
  retry(ref: string, hosts: readonly string[], actor: Actor): Promise<JobView>;
  skip(ref: string, hosts: readonly string[], actor: Actor): Promise<JobView>;
  /** A new job running `command` on the hosts that succeeded in `ref`, in reverse order. */
  rollback(
    ref: string,
    command: string,
    actor: Actor,
    options?: { readonly envelope?: SealedEnvelope },
  ): Promise<JobRecord>;

  putNamespace(namespace: string, text: string, actor: Actor): Promise<NamespaceVersion>;
  checkNamespace(namespace: string, text: string): Promise<NamespaceCheck>;
  getNamespace(namespace: string, version?: number): Promise<NamespaceVersion>;
  listNamespaces(): Promise<readonly NamespaceVersion[]>;
  previewPlan(
    namespace: string,
    targets: string,
    options?: { readonly maxParallel?: string },
  ): Promise<PlanPreview>;

  /** The tags of the namespace's newest config (shell completion); STORE_NOT_FOUND when it has none. */
  listTags(namespace: string): Promise<TagList>;
  /** The hosts a target expression names under the namespace's current config (`pogo targets -n NS`). */
  resolveNamespaceTargets(namespace: string, targets: string): Promise<TargetsPreview>;

  workers(): readonly WorkerInfo[];
  /** Certificates of the workers (connected or seen), for clients to seal password envelopes to. */
  workerCertificates(): readonly WorkerCertificate[];
  readAudit(filter: AuditFilter): Promise<readonly AuditRecord[]>;
  /** Prometheus text exposition of the server's metrics. */
  metricsText(): Promise<string>;
  /** Ready to serve: the store answers and recovery of running jobs is done. */
  readiness(): Promise<{ readonly ready: boolean; readonly reason?: string }>;
}
