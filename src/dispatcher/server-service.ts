// PogoService of `pogo server`: checks requests, builds plans, writes jobs and audit, and asks the dispatcher to act.
import { randomBytes } from 'node:crypto';
import { parseTargetExpression, resolveTargets } from '../config/index.ts';
import type {
  Actor,
  AuditRecord,
  EventRecord,
  HostConnect,
  HostRecord,
  JobOptions,
  JobPlanView,
  JobSnapshot,
  JobRecord,
  JobView,
  NamespaceConfig,
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
import { PogoError, hostColumns, isPogoError, isTerminalJobState, parseLimit } from '../model/index.ts';
import { Accounts } from '../security/index.ts';
import type { AuditFilter, HostFilter, JobFilter, OutputPage, OutputRange, Store } from '../store/index.ts';
import type { Dispatcher } from './dispatcher.ts';
import { JobInsight } from './job-insight.ts';
import { planFor } from './job-plan.ts';
import { planPreview } from './plan-preview.ts';
import type { NamespaceCheck, PogoService, Unsubscribe } from './service.ts';
import { taskSpecOf } from './task-spec.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** The service over a store and the dispatcher that drives its jobs. */
export class ServerService implements PogoService {
  constructor(
    private readonly store: Store,
    private readonly dispatcher: Dispatcher,
    private readonly now: () => number = Date.now,
    /** The API's accounts, when it has them (one last-use throttle); else its own on the same store. */
    accounts?: Accounts,
  ) {
    this.accounts = accounts ?? new Accounts(store, { now });
    this.insight = new JobInsight(store, dispatcher.configs);
  }

  private readonly accounts: Accounts;
  private readonly insight: JobInsight;

  /** Through the store's accounts: throws API_UNAUTHORIZED or AUTH_TOKEN_EXPIRED for a token it refuses. */
  authenticate(token: string, remote: string): Promise<Actor | undefined> {
    return this.accounts.authenticate(token, remote);
  }

  async submitJob(request: SubmitJobRequest, actor: Actor): Promise<JobRecord> {
    const namespace = request.namespace ?? 'default';
    checkName(namespace);
    if (request.command.trim() === '' && !request.file) throw badRequest('the command is empty');
    checkLimit('maxParallel', request.maxParallel, 1);
    checkLimit('maxFailures', request.maxFailures, 0);
    const { version, config } = await this.currentConfig(namespace);
    const targets = await this.targetsOf(namespace, request.targets, config);
    const plan = planFor(config, targets, { maxParallel: request.maxParallel, rollback: false });
    if (request.envelope) {
      this.checkEnvelope(request.envelope);
      // Its envelope stays in this server's memory: the job must run here.
      await this.dispatcher.mustDrive(undefined, namespace);
    }
    const options: JobOptions = {
      ...(request.maxParallel !== undefined ? { maxParallel: request.maxParallel } : {}),
      ...(request.maxFailures !== undefined ? { maxFailures: request.maxFailures } : {}),
      ...(request.jobTimeoutMs !== undefined ? { jobTimeoutMs: request.jobTimeoutMs } : {}),
      task: taskSpecOf(request),
      ...(request.envelope ? { sealed: true } : {}),
      ...connectOf(config, plan.hosts),
    };
    const record = await this.store.createJob({
      id: newJobId(),
      namespace,
      user: actor.user,
      command: request.command || `--file ${request.file?.name ?? ''}`,
      targets: request.targets,
      createdAt: this.now(),
      configVersion: version ?? null,
      options,
      rollbackOf: null,
      hosts: plan.hosts,
    });
    // Launched at once (no await in between): see Dispatcher.launch.
    const launched = this.dispatcher.launch(record, plan, request.envelope);
    const sealed = request.envelope ? ' (with a sealed password)' : '';
    await Promise.all([
      launched,
      this.audit(actor, 'job.submit', record.id, `${plan.hosts.length} hosts: ${record.command}${sealed}`),
    ]);
    return withoutScript(await this.store.getJob(record.id));
  }

  async getJob(ref: string, actor?: Actor): Promise<JobView> {
    const id = await this.resolve(ref, actor);
    // The seq first: whatever the record and a later host read show is at least as new as it.
    const lastSeq = await this.store.lastEventSeq(id);
    return this.view(await this.store.getJob(id), lastSeq);
  }

  async snapshot(ref: string, actor?: Actor): Promise<JobSnapshot> {
    const id = await this.resolve(ref, actor);
    const lastSeq = await this.store.lastEventSeq(id);
    const [record, hosts] = await Promise.all([this.store.getJob(id), this.store.allHosts(id)]);
    return { job: this.view(record, lastSeq), ...hostColumns(hosts) };
  }

  async jobPlan(ref: string): Promise<JobPlanView> {
    return this.insight.jobPlan(await this.store.resolveJobId(ref));
  }

  async outputGroups(ref: string): Promise<OutputGroups> {
    return this.insight.outputGroups(await this.store.resolveJobId(ref));
  }

  namespaceOverview(namespace: string): Promise<NamespaceOverview> {
    return this.insight.namespaceOverview(namespace);
  }

  async listJobs(filter: JobFilter): Promise<Page<JobRecord>> {
    const page = await this.store.findJobs(filter);
    return { ...page, items: page.items.map(forList) };
  }

  async listHosts(ref: string, filter: HostFilter): Promise<Page<HostRecord>> {
    return this.store.listHosts(await this.store.resolveJobId(ref), filter);
  }

  async getHost(ref: string, host: string): Promise<HostRecord> {
    return this.store.getHost(await this.store.resolveJobId(ref), host);
  }

  hostHistory(host: string, limit?: number): Promise<readonly HostRecord[]> {
    return this.store.hostHistory(host, limit);
  }

  async readOutput(ref: string, host: string, range: OutputRange): Promise<OutputPage> {
    return this.store.readOutput(await this.store.resolveJobId(ref), host, range);
  }

  async readEvents(ref: string, afterSeq: number, limit?: number): Promise<readonly EventRecord[]> {
    return this.store.readEvents(await this.store.resolveJobId(ref), afterSeq, limit);
  }

  async subscribe(
    jobId: string,
    afterSeq: number,
    listener: (event: EventRecord) => void,
    onEnd?: () => void,
  ): Promise<Unsubscribe> {
    const id = await this.store.resolveJobId(jobId);
    const unsubscribe = await this.dispatcher.hub.subscribe(id, afterSeq, listener, onEnd);
    // A finished job whose events the caller already has: nothing more will come.
    const job = await this.store.getJob(id);
    const ended = isTerminalJobState(job.state) && !this.dispatcher.liveDriver(id);
    if (ended && afterSeq >= (await this.store.lastEventSeq(id))) onEnd?.();
    return unsubscribe;
  }

  async halt(ref: string, actor: Actor, options?: { readonly kill?: boolean }): Promise<JobView> {
    const id = await this.resolve(ref, actor);
    const kill = options?.kill === true;
    await this.dispatcher.act(id, { kind: 'halt', kill }, actor.user);
    await this.audit(actor, 'job.halt', id, kill ? 'kill running commands' : 'drain');
    return this.getJob(id);
  }

  async resume(
    ref: string,
    actor: Actor,
    options?: { readonly envelope?: SealedEnvelope },
  ): Promise<JobView> {
    const id = await this.resolve(ref, actor);
    const envelope = options?.envelope;
    if (envelope) {
      this.checkEnvelope(envelope);
      const d = await this.dispatcher.giveEnvelope(id, envelope, actor.user);
      await this.audit(actor, 'job.password', id, 'password given again (sealed)');
      if (d.rollout.jobStateNow !== 'halted') return this.getJob(id);
    } else {
      // The job's owner checks that it holds the envelope; the stored state tells any server.
      const job = await this.store.getJob(id);
      if (job.state === 'needs-password') {
        throw new PogoError(
          'JOB_NEEDS_PASSWORD',
          `job ${id} needs the password again: the server no longer holds it`,
          {
            hint: `pogo resume ${id} --password`,
          },
        );
      }
    }
    await this.dispatcher.act(id, { kind: 'resume' }, actor.user);
    await this.audit(actor, 'job.resume', id, '');
    return this.getJob(id);
  }

  async retry(ref: string, hosts: readonly string[], actor: Actor): Promise<JobView> {
    const id = await this.resolve(ref, actor);
    await this.dispatcher.act(id, { kind: 'retry', hosts }, actor.user);
    await this.audit(actor, 'job.retry', id, hosts.join(','));
    return this.getJob(id);
  }

  async skip(ref: string, hosts: readonly string[], actor: Actor): Promise<JobView> {
    const id = await this.resolve(ref, actor);
    await this.dispatcher.act(id, { kind: 'skip', hosts }, actor.user);
    await this.audit(actor, 'job.skip', id, hosts.join(','));
    return this.getJob(id);
  }

  async rollback(
    ref: string,
    command: string,
    actor: Actor,
    options?: { readonly envelope?: SealedEnvelope },
  ): Promise<JobRecord> {
    const original = await this.store.getJob(await this.resolve(ref, actor));
    if (command.trim() === '') throw badRequest('the rollback command is empty');
    const envelope = options?.envelope;
    if (envelope) {
      this.checkEnvelope(envelope);
      await this.dispatcher.mustDrive(undefined, original.namespace);
    }
    const done = (await this.store.allHosts(original.id)).filter((h) => h.state === 'succeeded');
    if (done.length === 0) throw badRequest(`job ${original.id} has no succeeded host to roll back`);
    const hosts = done.map((h) => h.host).reverse();
    const config =
      original.configVersion === null
        ? undefined
        : await this.dispatcher.configs.get(original.namespace, original.configVersion);
    const plan = planFor(config, hosts, { maxParallel: original.options.maxParallel, rollback: true });
    const { file: _file, ...task } = original.options.task;
    void _file;
    const record = await this.store.createJob({
      id: newJobId(),
      namespace: original.namespace,
      user: actor.user,
      command,
      targets: `rollback of ${original.id}`,
      createdAt: this.now(),
      configVersion: original.configVersion,
      // A rollback of a sealed job is sealed too: without a new envelope it waits in needs-password.
      options: {
        ...original.options,
        task: { ...task, command },
        ...(envelope || original.options.sealed === true ? { sealed: true } : {}),
      },
      rollbackOf: original.id,
      hosts: plan.hosts,
    });
    const launched = this.dispatcher.launch(record, plan, envelope);
    await Promise.all([launched, this.audit(actor, 'job.rollback', original.id, `${record.id}: ${command}`)]);
    return withoutScript(await this.store.getJob(record.id));
  }

  async putNamespace(namespace: string, text: string, actor: Actor): Promise<NamespaceVersion> {
    checkName(namespace);
    await this.dispatcher.configs.parse(namespace, 'new', text);
    const v = await this.store.putNamespace(namespace, text, actor.user, this.now());
    await this.audit(actor, 'namespace.push', namespace, `version ${v.version}`);
    return v;
  }

  async checkNamespace(namespace: string, text: string): Promise<NamespaceCheck> {
    try {
      checkName(namespace);
      const c = await this.dispatcher.configs.parse(namespace, 'new', text);
      return {
        ok: true,
        hosts: c.hosts.length,
        tags: c.tags.size,
        groups: c.groups.length,
        chains: c.chains.length,
        ...(c.warnings ? { warnings: c.warnings } : {}),
      };
    } catch (e: unknown) {
      if (!isPogoError(e)) throw e;
      return {
        ok: false,
        code: e.code,
        message: e.message,
        ...(e.position ? { line: e.position.line, column: e.position.column } : {}),
        ...(e.hint ? { hint: e.hint } : {}),
      };
    }
  }

  getNamespace(namespace: string, version?: number): Promise<NamespaceVersion> {
    return this.store.getNamespace(namespace, version);
  }

  listNamespaces(): Promise<readonly NamespaceVersion[]> {
    return this.store.listNamespaces();
  }

  async previewPlan(
    namespace: string,
    targets: string,
    options?: { readonly maxParallel?: string },
  ): Promise<PlanPreview> {
    checkLimit('maxParallel', options?.maxParallel, 1);
    const { version, config } = await this.currentConfig(namespace);
    const hosts = await this.targetsOf(namespace, targets, config);
    const plan = planFor(config, hosts, { maxParallel: options?.maxParallel, rollback: false });
    return planPreview(namespace, version ?? null, plan);
  }

  async listTags(namespace: string): Promise<TagList> {
    checkName(namespace);
    const v = await this.store.getNamespace(namespace);
    const config = await this.dispatcher.configs.get(namespace, v.version);
    const tags = [...config.tags].map(([name, hosts]) => ({ name, hosts: hosts.length }));
    return { namespace, configVersion: v.version, tags };
  }

  async resolveNamespaceTargets(namespace: string, targets: string): Promise<TargetsPreview> {
    checkName(namespace);
    const { version, config } = await this.currentConfig(namespace);
    const hosts = await this.targetsOf(namespace, targets, config);
    return {
      namespace,
      configVersion: version ?? null,
      hosts,
      ...(config?.warnings ? { warnings: config.warnings } : {}),
    };
  }

  workers(): readonly WorkerInfo[] {
    return this.dispatcher.workers();
  }

  workerCertificates(): readonly WorkerCertificate[] {
    return this.dispatcher.workerCertificates();
  }

  /** An envelope must be sealed to at least one worker certificate this server has seen. */
  private checkEnvelope(envelope: SealedEnvelope): void {
    if (envelope.boxes.some((b) => this.dispatcher.knowsCertificate(b.to))) return;
    throw new PogoError(
      'ENVELOPE_INVALID',
      `the password envelope is sealed to ${envelope.boxes.length} certificate(s), none of a worker this server knows`,
      { hint: 'fetch the workers again (GET /v1/workers/certificates); the CLI does this for you' },
    );
  }

  readAudit(filter: AuditFilter): Promise<readonly AuditRecord[]> {
    return this.store.readAudit(filter);
  }

  async metricsText(): Promise<string> {
    const workers = this.dispatcher.workers();
    return this.dispatcher.metrics.render({
      jobsByState: await this.store.countJobsByState(),
      workers: workers.length,
      workerCapacity: workers.reduce((n, w) => n + w.capacity, 0),
      tasksRunning: workers.reduce((n, w) => n + w.running, 0),
      liveJobs: this.dispatcher.liveJobCount(),
    });
  }

  async readiness(): Promise<{ readonly ready: boolean; readonly reason?: string }> {
    const failure = this.dispatcher.failure;
    if (failure) return { ready: false, reason: failure };
    if (!this.dispatcher.isReady) return { ready: false, reason: 'the dispatcher is taking up jobs' };
    try {
      await this.store.countJobsByState();
      return { ready: true };
    } catch (e: unknown) {
      return { ready: false, reason: `the store does not answer: ${(e as Error).message}` };
    }
  }

  /** A job id from a reference; `last` is the caller's newest job. */
  private resolve(ref: string, actor: Actor | undefined): Promise<string> {
    return this.store.resolveJobId(ref, ref === 'last' ? actor?.user : undefined);
  }

  private view(stored: JobRecord, lastSeq: number): JobView {
    const record = withoutScript(stored);
    const d = this.dispatcher.liveDriver(record.id);
    if (!d) return { ...record, live: false, draining: false, blocking: [], lastSeq };
    return {
      ...record,
      lastSeq,
      counts: d.rollout.hostCounts(),
      live: true,
      draining: d.rollout.draining,
      blocking: d.rollout.blockingGroups(),
    };
  }

  /** Resolve a target expression; `$tag` without a config names the namespace and how to give it one. */
  private async targetsOf(
    namespace: string,
    expr: string,
    config: NamespaceConfig | undefined,
  ): Promise<string[]> {
    const terms = parseTargetExpression(expr).flatMap((item) => item.terms);
    if (terms.some((t) => t.kind === 'file')) {
      throw badRequest('@file targets are read by the client: expand them before submitting');
    }
    if (!config && terms.some((t) => t.kind === 'tag')) {
      throw new PogoError(
        'JOB_BAD_REQUEST',
        `namespace ${namespace} has no config, so "${expr}" cannot name tags`,
        {
          hint: `push one with: pogo config push ${namespace} FILE`,
        },
      );
    }
    return resolveTargets(expr, { ...(config ? { config } : {}), noFiles: true });
  }

  private async currentConfig(
    namespace: string,
  ): Promise<{ version: number | undefined; config: NamespaceConfig | undefined }> {
    try {
      const v = await this.store.getNamespace(namespace);
      return { version: v.version, config: await this.dispatcher.configs.get(namespace, v.version) };
    } catch (e: unknown) {
      if (isPogoError(e, 'STORE_NOT_FOUND')) return { version: undefined, config: undefined };
      throw e;
    }
  }

  private audit(actor: Actor, action: string, subject: string, detail: string): Promise<void> {
    return this.accounts.audit(actor, action, subject, detail);
  }
}

/**
 * A job as answers show it: a `--file` script's content (up to 64 MiB, in the store for the workers) is left
 * out — `contentBase64` is empty — so lists and status calls stay small.
 */
function withoutScript(record: JobRecord): JobRecord {
  const file = record.options.task.file;
  if (!file) return record;
  return {
    ...record,
    options: { ...record.options, task: { ...record.options.task, file: { ...file, contentBase64: '' } } },
  };
}

/** The connection settings of a job's hosts, fixed at submit (a later config change does not move a running job). */
function connectOf(
  config: NamespaceConfig | undefined,
  hosts: readonly string[],
): Pick<JobOptions, 'connect'> {
  if (!config?.connect) return {};
  const connect: Record<string, HostConnect> = {};
  for (const host of hosts) {
    const settings = config.connect.get(host);
    if (settings) connect[host] = settings;
  }
  return Object.keys(connect).length > 0 ? { connect } : {};
}

/** A job as lists show it: without its script, and without the per-host connect settings (large inventories). */
function forList(stored: JobRecord): JobRecord {
  const record = withoutScript(stored);
  if (!record.options.connect) return record;
  const { connect: _connect, ...options } = record.options;
  void _connect;
  return { ...record, options };
}

/** 12 hex characters: short enough to type, random enough that prefixes are unique in practice. */
export function newJobId(): string {
  return randomBytes(6).toString('hex');
}

function badRequest(message: string): PogoError {
  return new PogoError('JOB_BAD_REQUEST', message);
}

function checkName(namespace: string): void {
  if (!NAME.test(namespace)) {
    throw badRequest(`namespace "${namespace}" is not a valid name (letters, digits, _ . -; at most 128)`);
  }
}

function checkLimit(field: string, value: string | undefined, min: number): void {
  if (value === undefined) return;
  const spec = parseLimit(value);
  // `0%` is a valid failure budget (none may fail); a parallelism needs more than 0.
  const tooSmall = spec && (spec.kind === 'count' ? spec.value < min : min > 0 && spec.value <= 0);
  if (!spec || tooSmall) {
    throw badRequest(`${field}: "${value}" is not N or N% (N ≥ ${min})`);
  }
}
