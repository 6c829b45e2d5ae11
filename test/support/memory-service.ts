// An in-memory PogoService for API route tests: jobs in Maps, events delivered from arrays. Not the dispatcher.
import { parseConfig, resolveTargets } from '../../src/config/index.ts';
import type { NamespaceCheck, PogoService, Unsubscribe } from '../../src/dispatcher/index.ts';
import type {
  Actor,
  AuditRecord,
  EventRecord,
  HostRecord,
  HostState,
  JobNoteEvent,
  JobPlanView,
  JobSnapshot,
  JobRecord,
  JobState,
  JobView,
  NamespaceConfig,
  NamespaceOverview,
  NamespaceVersion,
  OutputGroups,
  OutputChunkRecord,
  Page,
  PlanPreview,
  TagList,
  TargetsPreview,
  PogoEvent,
  SubmitJobRequest,
  WorkerCertificate,
  WorkerInfo,
} from '../../src/model/index.ts';
import {
  PogoError,
  emptyCounts,
  hostColumns,
  isFailedState,
  isTerminalJobState,
} from '../../src/model/index.ts';
import type { HostFilter, JobFilter, OutputPage, OutputRange } from '../../src/store/index.ts';
import { hostRecord } from './job-records.ts';

/** A user a test token stands for. */
export interface TestUser {
  readonly user: string;
  readonly role: Actor['role'];
}

/** Tokens every test can use: `viewer-token`, `operator-token`, `admin-token`. */
export const TEST_TOKENS: Readonly<Record<string, TestUser>> = {
  'viewer-token': { user: 'vera', role: 'viewer' },
  'operator-token': { user: 'otto', role: 'operator' },
  'admin-token': { user: 'ada', role: 'admin' },
};

interface StoredJob {
  record: JobRecord;
  hosts: HostRecord[];
  readonly events: EventRecord[];
  readonly output: OutputChunkRecord[];
}

interface Subscription {
  readonly jobId: string;
  readonly listener: (event: EventRecord) => void;
  readonly onEnd: (() => void) | undefined;
  ended: boolean;
}

type JobEvent = PogoEvent | JobNoteEvent;

/**
 * A PogoService kept in memory, for API tests. Jobs run nowhere: tests move them with {@link appendEvent},
 * {@link setHost} and {@link finishJob}. Every method can be made to fail once with {@link failNext}.
 */
export class MemoryService implements PogoService {
  /** What readiness() answers. */
  readinessState: { ready: boolean; reason?: string } = { ready: true };
  /** What metricsText() answers. */
  metrics =
    '# HELP pogo_jobs_running Jobs running now.\n# TYPE pogo_jobs_running gauge\npogo_jobs_running 0\n';
  /** What workers() answers. */
  workerList: WorkerInfo[] = [];
  private readonly jobs = new Map<string, StoredJob>();
  private readonly namespaces = new Map<string, { versions: NamespaceVersion[]; config: NamespaceConfig }>();
  private readonly audit: AuditRecord[] = [];
  private readonly subscriptions = new Set<Subscription>();
  private readonly failures = new Map<string, Error>();
  private clock = 1_700_000_000_000;
  private jobCount = 0;

  constructor(private readonly tokens: Readonly<Record<string, TestUser>> = TEST_TOKENS) {}

  /** Subscriptions not yet unsubscribed. */
  get liveSubscriptions(): number {
    return this.subscriptions.size;
  }

  /** Make the next call of `method` reject with `error`. */
  failNext(method: keyof PogoService, error: Error): void {
    this.failures.set(method, error);
  }

  authenticate(token: string, remote: string): Promise<Actor | undefined> {
    return this.call('authenticate', () => {
      const user = this.tokens[token];
      return user && { ...user, remote };
    });
  }

  submitJob(request: SubmitJobRequest, actor: Actor): Promise<JobRecord> {
    return this.call('submitJob', async () => {
      if (/(^|,)\s*!?@/.test(request.targets)) {
        throw new PogoError('JOB_BAD_REQUEST', 'targets: @file items cannot be read by the server');
      }
      const namespace = request.namespace ?? 'default';
      const ns = this.namespaces.get(namespace);
      if (!ns && namespace !== 'default') throw new PogoError('STORE_NOT_FOUND', `no namespace ${namespace}`);
      const hosts = await resolveTargets(request.targets, ns ? { config: ns.config } : {});
      return this.createJob(request, hosts, actor, ns?.versions.at(-1)?.version ?? null, null);
    });
  }

  getJob(ref: string, actor?: Actor): Promise<JobView> {
    return this.call('getJob', () => this.view(this.resolve(ref, actor?.user)));
  }

  listJobs(filter: JobFilter): Promise<Page<JobRecord>> {
    return this.call('listJobs', () => {
      const all = [...this.jobs.values()].reverse().filter(({ record: r, hosts }) => {
        if (filter.user !== undefined && r.user !== filter.user) return false;
        if (filter.state && !filter.state.includes(r.state)) return false;
        if (filter.namespace !== undefined && r.namespace !== filter.namespace) return false;
        if (filter.namespaces !== undefined && !filter.namespaces.includes(r.namespace)) return false;
        if (filter.host !== undefined && !hosts.some((h) => h.host === filter.host)) return false;
        const text = filter.text;
        return text === undefined || [r.id, r.command, r.targets].some((s) => s.includes(text));
      });
      return page(
        all.map((j) => j.record),
        filter.cursor,
        filter.limit ?? 50,
      );
    });
  }

  listHosts(ref: string, filter: HostFilter): Promise<Page<HostRecord>> {
    return this.call('listHosts', () => {
      const hosts = this.resolve(ref).hosts.filter(
        (h) =>
          (!filter.state || filter.state.includes(h.state)) &&
          (filter.text === undefined || h.host.includes(filter.text)),
      );
      return page(hosts, filter.cursor, filter.limit ?? 100);
    });
  }

  getHost(ref: string, host: string): Promise<HostRecord> {
    return this.call('getHost', () => this.host(this.resolve(ref), host));
  }

  hostHistory(host: string, limit = 100): Promise<readonly HostRecord[]> {
    return this.call('hostHistory', () =>
      [...this.jobs.values()]
        .reverse()
        .flatMap((j) => j.hosts.filter((h) => h.host === host))
        .slice(0, limit),
    );
  }

  readOutput(ref: string, host: string, range: OutputRange): Promise<OutputPage> {
    return this.call('readOutput', () => {
      const job = this.resolve(ref);
      const record = this.host(job, host);
      const attempt = range.attempt ?? record.attempt;
      const all = job.output.filter((c) => c.host === host && c.attempt === attempt);
      const total = all.reduce((n, c) => n + c.data.length, 0);
      const start = range.offset ?? 0;
      const limit = range.limit ?? 1024 * 1024;
      const chunks: OutputChunkRecord[] = [];
      let bytes = 0;
      for (const c of all) {
        if (c.offset + c.data.length <= start || (bytes > 0 && bytes + c.data.length > limit)) continue;
        const cut = Math.max(0, start - c.offset);
        chunks.push({ ...c, offset: c.offset + cut, data: c.data.subarray(cut) });
        bytes += c.data.length - cut;
      }
      const last = chunks.at(-1);
      const nextOffset = last ? last.offset + last.data.length : Math.max(start, total);
      return { attempt, chunks, nextOffset, total, truncated: record.truncated };
    });
  }

  /** The view and the hosts as columns. */
  snapshot(ref: string, actor?: Actor): Promise<JobSnapshot> {
    return this.call('snapshot', () => {
      const job = this.resolve(ref, actor?.user);
      return { job: this.view(job), ...hostColumns(job.hosts) };
    });
  }

  /** Every host unordered, one `@job` group when the job has `maxParallel` (no config groups here). */
  jobPlan(ref: string): Promise<JobPlanView> {
    return this.call('jobPlan', () => {
      const { record, hosts } = this.resolve(ref);
      const all = hosts.map((h) => h.index);
      const cap = record.options.maxParallel;
      return {
        jobId: record.id,
        namespace: record.namespace,
        configVersion: record.configVersion,
        hosts: hosts.map((h) => h.host),
        threads: [],
        unordered: all,
        groups: cap
          ? [{ id: '@job', label: 'job', limit: Number.parseInt(cap, 10), spec: cap, hosts: all }]
          : [],
      };
    });
  }

  /** Hosts that ran, grouped by the text of their current attempt's output. */
  outputGroups(ref: string): Promise<OutputGroups> {
    return this.call('outputGroups', () => {
      const job = this.resolve(ref);
      const groups = new Map<string, string[]>();
      const ran = job.hosts.filter((h) => h.attempt > 0);
      for (const h of ran) {
        const text = job.output
          .filter((c) => c.host === h.host && c.attempt === h.attempt)
          .map((c) => c.data.toString('latin1'))
          .join('');
        groups.set(text, [...(groups.get(text) ?? []), h.host]);
      }
      const list = [...groups.entries()].map(([text, hosts]) => ({
        digest: Buffer.from(text).toString('hex').slice(0, 16).padEnd(16, '0'),
        bytes: text.length,
        hosts,
      }));
      list.sort((a, b) => b.hosts.length - a.hosts.length);
      return { jobId: job.record.id, groups: list, notRun: job.hosts.length - ran.length };
    });
  }

  /** The stored config's hosts, tags and groups; usage counts hosts running or failed in active jobs. */
  namespaceOverview(namespace: string): Promise<NamespaceOverview> {
    return this.call('namespaceOverview', () => {
      const ns = this.namespaces.get(namespace);
      const v = ns?.versions.at(-1);
      if (!ns || !v) throw new PogoError('STORE_NOT_FOUND', `no namespace ${namespace}`);
      const active = [...this.jobs.values()].filter(
        (j) => j.record.namespace === namespace && !isTerminalJobState(j.record.state),
      );
      const held = (hosts: readonly string[], failed: boolean): number =>
        active.reduce(
          (n, j) =>
            n +
            j.hosts.filter(
              (h) => hosts.includes(h.host) && (failed ? isFailedState(h.state) : h.state === 'running'),
            ).length,
          0,
        );
      return {
        ...v,
        hosts: ns.config.hosts,
        tags: [...ns.config.tags.entries()].map(([path, hosts]) => ({ path, hosts })),
        groups: ns.config.groups.map((g) => ({
          id: g.id,
          label: g.label,
          spec: String(g.spec.value) + (g.spec.kind === 'percent' ? '%' : ''),
          limit: g.limit,
          hosts: g.hosts.length,
          running: held(g.hosts, false),
          failed: held(g.hosts, true),
        })),
        jobs: active.map((j) => ({
          id: j.record.id,
          user: j.record.user,
          state: j.record.state,
          running: j.hosts.filter((h) => h.state === 'running').length,
          failed: j.hosts.filter((h) => isFailedState(h.state)).length,
        })),
      };
    });
  }

  readEvents(ref: string, afterSeq: number, limit = 1000): Promise<readonly EventRecord[]> {
    return this.call('readEvents', () =>
      this.resolve(ref)
        .events.filter((e) => e.seq > afterSeq)
        .slice(0, limit),
    );
  }

  async subscribe(
    jobId: string,
    afterSeq: number,
    listener: (event: EventRecord) => void,
    onEnd?: () => void,
  ): Promise<Unsubscribe> {
    const job = await this.call('subscribe', () => this.resolve(jobId));
    const sub: Subscription = { jobId: job.record.id, listener, onEnd, ended: false };
    for (const event of job.events) if (event.seq > afterSeq) listener(event);
    this.subscriptions.add(sub);
    if (isTerminalJobState(job.record.state)) this.end(sub);
    return () => {
      this.subscriptions.delete(sub);
    };
  }

  halt(ref: string, actor: Actor, options: { readonly kill?: boolean } = {}): Promise<JobView> {
    return this.call('halt', () => {
      const job = this.resolve(ref, actor.user);
      if (isTerminalJobState(job.record.state)) {
        throw new PogoError(
          'JOB_BAD_STATE',
          `job ${job.record.id} is ${job.record.state}: it cannot be halted`,
        );
      }
      this.appendEvent(job.record.id, {
        type: 'job:halt-requested',
        t: this.now(),
        by: actor.user,
        kill: options.kill ?? false,
      });
      for (const h of job.hosts)
        if (h.state === 'waiting' || h.state === 'ready')
          this.setHost(job.record.id, h.host, { state: 'halted' });
      this.finishJob(job.record.id, 'halted', `halted by ${actor.user}`);
      this.addAudit(actor, 'job.halt', job.record.id, options.kill ? 'kill' : '');
      return this.view(job);
    });
  }

  resume(ref: string, actor: Actor): Promise<JobView> {
    return this.call('resume', () => {
      const job = this.resolve(ref, actor.user);
      if (job.record.state !== 'halted') {
        throw new PogoError(
          'JOB_BAD_STATE',
          `job ${job.record.id} is ${job.record.state}: only a halted job resumes`,
        );
      }
      for (const h of job.hosts)
        if (h.state === 'halted') this.setHost(job.record.id, h.host, { state: 'waiting' });
      this.update(job, { state: 'running', reason: '', endedAt: null });
      this.appendEvent(job.record.id, { type: 'job:resumed', t: this.now(), by: actor.user });
      this.addAudit(actor, 'job.resume', job.record.id, '');
      return this.view(job);
    });
  }

  retry(ref: string, hosts: readonly string[], actor: Actor): Promise<JobView> {
    return this.call('retry', () => this.operateOnHosts(ref, hosts, actor, 'retry'));
  }

  skip(ref: string, hosts: readonly string[], actor: Actor): Promise<JobView> {
    return this.call('skip', () => this.operateOnHosts(ref, hosts, actor, 'skip'));
  }

  rollback(ref: string, command: string, actor: Actor): Promise<JobRecord> {
    return this.call('rollback', () => {
      const job = this.resolve(ref, actor.user);
      const hosts = job.hosts
        .filter((h) => h.state === 'succeeded')
        .map((h) => h.host)
        .reverse();
      if (hosts.length === 0)
        throw new PogoError('JOB_BAD_REQUEST', `job ${job.record.id} has no succeeded host to roll back`);
      const request = { namespace: job.record.namespace, command, targets: hosts.join(',') };
      return this.createJob(request, hosts, actor, job.record.configVersion, job.record.id);
    });
  }

  putNamespace(namespace: string, text: string, actor: Actor): Promise<NamespaceVersion> {
    return this.call('putNamespace', async () => {
      const config = await parseConfig(text, { source: `<${namespace}>`, namespace });
      const versions = this.namespaces.get(namespace)?.versions ?? [];
      const version = {
        namespace,
        version: versions.length + 1,
        text,
        user: actor.user,
        createdAt: this.now(),
      };
      this.namespaces.set(namespace, { versions: [...versions, version], config });
      this.addAudit(actor, 'namespace.push', namespace, `version ${version.version}`);
      return version;
    });
  }

  checkNamespace(namespace: string, text: string): Promise<NamespaceCheck> {
    return this.call('checkNamespace', async () => {
      try {
        const c = await parseConfig(text, { source: `<${namespace}>`, namespace });
        return {
          ok: true,
          hosts: c.hosts.length,
          tags: c.tags.size,
          groups: c.groups.length,
          chains: c.chains.length,
        };
      } catch (e: unknown) {
        if (!(e instanceof PogoError)) throw e;
        const at = e.position ? { line: e.position.line, column: e.position.column } : {};
        return {
          ok: false,
          code: e.code,
          message: e.message,
          ...at,
          ...(e.hint === undefined ? {} : { hint: e.hint }),
        };
      }
    });
  }

  getNamespace(namespace: string, version?: number): Promise<NamespaceVersion> {
    return this.call('getNamespace', () => {
      const versions = this.namespaces.get(namespace)?.versions ?? [];
      const found = version === undefined ? versions.at(-1) : versions[version - 1];
      if (!found)
        throw new PogoError(
          'STORE_NOT_FOUND',
          `no namespace ${namespace}${version ? ` version ${version}` : ''}`,
        );
      return found;
    });
  }

  listNamespaces(): Promise<readonly NamespaceVersion[]> {
    return this.call('listNamespaces', () =>
      [...this.namespaces.values()].flatMap((n) => n.versions.slice(-1)),
    );
  }

  listTags(namespace: string): Promise<TagList> {
    return this.call('listTags', async () => {
      const ns = this.namespaces.get(namespace);
      if (!ns) throw new PogoError('STORE_NOT_FOUND', `namespace ${namespace} has no config`);
      const tags = [...ns.config.tags].map(([name, hosts]) => ({ name, hosts: hosts.length }));
      return Promise.resolve({ namespace, configVersion: ns.versions.at(-1)?.version ?? 0, tags });
    });
  }

  resolveNamespaceTargets(namespace: string, targets: string): Promise<TargetsPreview> {
    return this.call('resolveNamespaceTargets', async () => {
      const ns = this.namespaces.get(namespace);
      const hosts = await resolveTargets(
        targets,
        ns ? { config: ns.config, noFiles: true } : { noFiles: true },
      );
      return { namespace, configVersion: ns?.versions.at(-1)?.version ?? null, hosts };
    });
  }

  previewPlan(
    namespace: string,
    targets: string,
    options?: { readonly maxParallel?: string },
  ): Promise<PlanPreview> {
    return this.call('previewPlan', async () => {
      const ns = this.namespaces.get(namespace);
      const hosts = await resolveTargets(targets, ns ? { config: ns.config } : {});
      const cap = options?.maxParallel;
      const groups =
        cap === undefined
          ? []
          : [{ id: 'job', label: 'job', limit: Number.parseInt(cap, 10), spec: cap, jobHosts: hosts.length }];
      return {
        namespace,
        configVersion: ns?.versions.at(-1)?.version ?? null,
        hosts,
        threads: [],
        unordered: hosts,
        groups,
      };
    });
  }

  workers(): readonly WorkerInfo[] {
    return this.workerList;
  }

  /** What workerCertificates() answers. */
  certificateList: WorkerCertificate[] = [];

  workerCertificates(): readonly WorkerCertificate[] {
    return this.certificateList;
  }

  readAudit(filter: {
    readonly subject?: string;
    readonly user?: string;
    readonly limit?: number;
  }): Promise<readonly AuditRecord[]> {
    return this.call('readAudit', () =>
      [...this.audit]
        .reverse()
        .filter(
          (a) =>
            (filter.subject === undefined || a.subject === filter.subject) &&
            (filter.user === undefined || a.user === filter.user),
        )
        .slice(0, filter.limit ?? 100),
    );
  }

  metricsText(): Promise<string> {
    return this.call('metricsText', () => this.metrics);
  }

  readiness(): Promise<{ readonly ready: boolean; readonly reason?: string }> {
    return this.call('readiness', () => this.readinessState);
  }

  // Test controls: what a dispatcher would do while a job runs.

  /** Append an event to a job's log (seq assigned) and deliver it to its subscribers. */
  appendEvent(jobId: string, event: JobEvent): EventRecord {
    const job = this.resolve(jobId);
    const record = { ...event, seq: job.events.length + 1, jobId: job.record.id } as EventRecord;
    job.events.push(record);
    for (const sub of this.subscriptions) if (sub.jobId === job.record.id && !sub.ended) sub.listener(record);
    return record;
  }

  /** Change a host row (counts follow). */
  setHost(jobId: string, host: string, patch: Partial<Omit<HostRecord, 'jobId' | 'host'>>): void {
    const job = this.resolve(jobId);
    this.host(job, host);
    job.hosts = job.hosts.map((h) => (h.host === host ? { ...h, ...patch } : h));
    const counts = emptyCounts();
    for (const h of job.hosts) counts[h.state]++;
    this.update(job, { counts });
  }

  /** Add output bytes to a host's current attempt. */
  appendOutput(
    jobId: string,
    host: string,
    data: string | Buffer,
    stream: OutputChunkRecord['stream'] = 'stdout',
  ): void {
    const job = this.resolve(jobId);
    const h = this.host(job, host);
    const mine = job.output.filter((c) => c.host === host && c.attempt === h.attempt);
    const offset = mine.reduce((n, c) => n + c.data.length, 0);
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    job.output.push({
      jobId: job.record.id,
      host,
      attempt: h.attempt,
      seq: mine.length,
      offset,
      t: this.now(),
      stream,
      source: 'command',
      data: bytes,
    });
    this.setHost(jobId, host, { outputBytes: h.outputBytes + bytes.length });
  }

  /** End a job: its final event, then `onEnd` for every subscriber. */
  finishJob(jobId: string, state: Extract<JobState, 'succeeded' | 'failed' | 'halted'>, reason = ''): void {
    const job = this.resolve(jobId);
    this.update(job, { state, reason, endedAt: this.now() });
    this.appendEvent(job.record.id, { type: `job:${state}`, t: this.now(), reason });
    for (const sub of this.subscriptions) if (sub.jobId === job.record.id) this.end(sub);
  }

  private createJob(
    request: SubmitJobRequest,
    hosts: readonly string[],
    actor: Actor,
    configVersion: number | null,
    rollbackOf: string | null,
  ): JobRecord {
    const id = `j${String(++this.jobCount).padStart(6, '0')}`;
    const t = this.now();
    const h = request.hooks ?? {};
    const record: JobRecord = {
      id,
      namespace: request.namespace ?? 'default',
      user: actor.user,
      command: request.command,
      targets: request.targets,
      state: 'running',
      reason: '',
      createdAt: t,
      startedAt: t,
      endedAt: null,
      configVersion,
      options: {
        ...(request.maxParallel === undefined ? {} : { maxParallel: request.maxParallel }),
        ...(request.maxFailures === undefined ? {} : { maxFailures: request.maxFailures }),
        task: {
          command: request.command,
          hooks: {
            pre: h.pre ?? true,
            post: h.post ?? true,
            preDir: h.preDir ?? '/etc/pogo/pre.d',
            postDir: h.postDir ?? '/etc/pogo/post.d',
            inlinePre: h.inlinePre ?? [],
            inlinePost: h.inlinePost ?? [],
          },
          timeoutMs: request.timeoutMs ?? 600_000,
          retries: request.retries ?? 0,
          retryDelayMs: request.retryDelayMs ?? 0,
          outputCapBytes: request.outputCapBytes ?? 1024 * 1024,
        },
      },
      hostCount: hosts.length,
      counts: { ...emptyCounts(), waiting: hosts.length },
      rollbackOf,
    };
    const hostRecords = hosts.map((host, index) => hostRecord({ jobId: id, host, index, attempt: 1 }));
    this.jobs.set(id, { record, hosts: hostRecords, events: [], output: [] });
    this.appendEvent(id, { type: 'job:submitted', t, by: actor.user });
    this.addAudit(actor, rollbackOf ? 'job.rollback' : 'job.submit', id, request.command);
    return record;
  }

  private operateOnHosts(
    ref: string,
    hosts: readonly string[],
    actor: Actor,
    verb: 'retry' | 'skip',
  ): JobView {
    const job = this.resolve(ref, actor.user);
    for (const name of hosts) {
      const { state } = this.host(job, name);
      const allowed =
        verb === 'retry' ? isFailedState(state) : !(['running', 'succeeded'] as HostState[]).includes(state);
      if (!allowed) throw new PogoError('ENGINE_BAD_TRANSITION', `cannot ${verb} ${name}: it is ${state}`);
    }
    for (const name of hosts) {
      const t = this.now();
      if (verb === 'retry') {
        this.setHost(job.record.id, name, { state: 'waiting', attempt: this.host(job, name).attempt + 1 });
        this.appendEvent(job.record.id, { type: 'host:retried', t, host: name, by: actor.user });
      } else {
        this.setHost(job.record.id, name, { state: 'skipped' });
        this.appendEvent(job.record.id, { type: 'host:skipped', t, host: name, by: actor.user });
      }
    }
    if (verb === 'retry' && isTerminalJobState(job.record.state))
      this.update(job, { state: 'running', reason: '', endedAt: null });
    this.addAudit(actor, `job.${verb}`, job.record.id, hosts.join(','));
    return this.view(job);
  }

  private resolve(ref: string, user?: string): StoredJob {
    const all = [...this.jobs.values()];
    if (ref === 'last') {
      const mine = all.filter((j) => user === undefined || j.record.user === user);
      const newest = mine.at(-1);
      if (!newest) throw new PogoError('STORE_NOT_FOUND', 'no jobs yet');
      return newest;
    }
    const exact = this.jobs.get(ref);
    if (exact) return exact;
    const matches = all.filter((j) => j.record.id.startsWith(ref));
    if (matches.length > 1)
      throw new PogoError('STORE_CONFLICT', `job prefix ${ref} matches ${matches.length} jobs`);
    if (!matches[0]) throw new PogoError('STORE_NOT_FOUND', `no job ${ref}`);
    return matches[0];
  }

  private host(job: StoredJob, host: string): HostRecord {
    const found = job.hosts.find((h) => h.host === host);
    if (!found) throw new PogoError('ENGINE_UNKNOWN_HOST', `${host} is not a host of job ${job.record.id}`);
    return found;
  }

  private view(job: StoredJob): JobView {
    const lastSeq = job.events.at(-1)?.seq ?? 0;
    return {
      ...job.record,
      live: !isTerminalJobState(job.record.state),
      draining: false,
      blocking: [],
      lastSeq,
    };
  }

  private update(job: StoredJob, patch: Partial<JobRecord>): void {
    job.record = { ...job.record, ...patch };
  }

  private end(sub: Subscription): void {
    if (sub.ended) return;
    sub.ended = true;
    sub.onEnd?.();
  }

  private addAudit(actor: Actor, action: string, subject: string, detail: string): void {
    this.audit.push({
      id: this.audit.length + 1,
      t: this.now(),
      user: actor.user,
      action,
      subject,
      detail,
      remote: actor.remote,
    });
  }

  private now(): number {
    return (this.clock += 1000);
  }

  private async call<T>(method: keyof PogoService, body: () => T | Promise<T>): Promise<T> {
    await Promise.resolve();
    const failure = this.failures.get(method);
    if (failure !== undefined) {
      this.failures.delete(method);
      throw failure;
    }
    return body();
  }
}

/** One page of `items` from an offset cursor. */
function page<T>(items: readonly T[], cursor: string | undefined, limit: number): Page<T> {
  const start = cursor === undefined ? 0 : Number(cursor);
  const slice = items.slice(start, start + limit);
  const end = start + slice.length;
  return end < items.length ? { items: slice, next: String(end) } : { items: slice };
}
