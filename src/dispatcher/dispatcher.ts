// The dispatcher: drives every live job with the engine, hands tasks to workers within their capacity, records all.
import type { Plan } from '../engine/index.ts';
import type {
  HostOutcome,
  JobRecord,
  SealedEnvelope,
  WorkerCertificate,
  WorkerInfo,
} from '../model/index.ts';
import { PogoError, isTerminalJobState } from '../model/index.ts';
import type { JobAction, Store } from '../store/index.ts';
import type {
  HelloMessage,
  OutputMessage,
  RefuseMessage,
  ResultMessage,
  TaskKey,
  WelcomeMessage,
} from '../worker/index.ts';
import { Cluster } from './cluster.ts';
import { ConfigCache } from './config-cache.ts';
import { applyAction } from './job-actions.ts';
import { EnvelopeKeeper } from './envelope-keeper.ts';
import { EventHub } from './event-hub.ts';
import { StoreRecovery } from './store-recovery.ts';
import { WorkerCertificates } from './worker-certificates.ts';
import { WorkerMessages } from './worker-messages.ts';
import type { HostDetail } from './job-driver.ts';
import type { JobDriver } from './job-driver.ts';
import { JobLoader } from './job-loader.ts';
import type { Logger } from './logger.ts';
import { silentLogger } from './logger.ts';
import { DispatcherMetrics } from './metrics.ts';
import { ProgressWriter } from './progress-writer.ts';
import { Relay } from './relay.ts';
import type { TaskRef, WorkerFilter, WorkerSlot } from './task-board.ts';
import { TaskDelivery, lostDetail } from './task-delivery.ts';
import type { WorkerChannel, WorkerChannelHandler } from './worker-channel.ts';

export interface DispatcherOptions {
  readonly store: Store;
  /** This dispatcher's name: lease owner and the `dispatcher` of welcomes. */
  readonly name: string;
  /** Where external tag sources of namespace configs run. */
  readonly baseDir: string;
  /** How long a disconnected worker may take to come back before its hosts are `lost` (default 60 s). */
  readonly workerGraceMs?: number;
  readonly heartbeatMs?: number;
  readonly leaseTtlMs?: number;
  /** After a failed store write, how often to check whether the store answers again (default 1 s). */
  readonly recoveryDelayMs?: number;
  /** Group-commit delay of store writes (default 5 ms). */
  readonly commitDelayMs?: number;
  /** Whether this server drives jobs (default true); false: an API-only server (`--roles api`). */
  readonly deciding?: boolean;
  /** How long an action waits for the server that drives the job (default 15 s). */
  readonly requestTimeoutMs?: number;
  readonly log?: Logger;
  readonly now?: () => number;
}

/**
 * Owns live jobs (by lease), the namespace ledgers they share, and the task board. Every change is written
 * through the group-committing ProgressWriter; a task goes to a worker only after its "running" row is
 * durable, and a result is acknowledged only after it is stored, so a crash of either side never runs a
 * command twice.
 */
export class Dispatcher implements WorkerChannelHandler {
  readonly hub: EventHub;
  readonly delivery: TaskDelivery;
  readonly writer: ProgressWriter;
  readonly configs: ConfigCache;
  private readonly loader: JobLoader;
  readonly metrics = new DispatcherMetrics();
  /** Password envelopes of live sealed jobs: memory only. */
  private readonly envelopes = new EnvelopeKeeper();
  /** Worker certificates seen on links (for clients sealing envelopes). */
  private readonly certificates = new WorkerCertificates();
  private readonly drivers = new Map<string, JobDriver>();
  private readonly deadlines = new Map<string, NodeJS.Timeout>();
  private readonly links: WorkerMessages;
  private readonly store: Store;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly graceMs: number;
  private readonly leaseTtlMs: number;
  private pumpQueued = false;
  private quiescing = false;
  private leaseTimer: NodeJS.Timeout | undefined;
  private ready = false;
  private stopped = false;
  /** A store write failed: memory and store may differ, so nothing more is decided until a restart. */
  private broken: unknown;
  private rr = 0;
  private readonly recovery: StoreRecovery;
  /** Several servers on one store: namespace ownership, takeover, requests to other owners. */
  readonly cluster: Cluster;
  private readonly deciding: boolean;
  /** Jobs an action is being carried out on: their lease is kept until the request is answered. */
  private readonly pins = new Map<string, number>();
  /** Several servers on one store: tasks handed between them (undefined on SQLite, and API-only servers). */
  private readonly relay: Relay | undefined;

  constructor(private readonly options: DispatcherOptions) {
    this.store = options.store;
    this.log = options.log ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.graceMs = options.workerGraceMs ?? 60_000;
    this.leaseTtlMs = options.leaseTtlMs ?? 30_000;
    this.recovery = new StoreRecovery({
      delayMs: options.recoveryDelayMs,
      ping: () => this.store.countJobsByState(),
      reload: () => this.reload(),
    });
    this.hub = new EventHub(options.store);
    this.configs = new ConfigCache({ store: options.store, baseDir: options.baseDir });
    this.writer = new ProgressWriter({
      store: options.store,
      epochOf: (id) => this.drivers.get(id)?.epoch,
      ...(options.commitDelayMs !== undefined ? { delayMs: options.commitDelayMs } : {}),
      onCommit: (ms, rows) => this.metrics.commit(ms, rows),
    });
    this.delivery = new TaskDelivery(
      {
        driver: (id) => this.drivers.get(id),
        endHost: (d, host, outcome, detail) => this.endHost(d, host, outcome, detail),
        settle: (d) => this.settle(d),
        schedulePump: () => this.schedulePump(),
        workersFor: (id) => this.workersFor(id),
        envelopeFor: (id, w) => this.envelopes.boxJson(id, w.fingerprint),
        jobOf: (id) => {
          const d = this.drivers.get(id);
          return d ? { namespace: d.namespace, spec: d.wireSpec } : this.relay?.carrier.jobOf(id);
        },
        carriedRefused: (ref) => this.relay?.carrier.refused(ref),
        carriedGone: (ref, why) => this.relay?.carrier.gone(ref, why),
        cancelRelayed: (ref, reason) => this.relay?.outbox.cancel(ref, reason),
      },
      { writer: this.writer, now: this.now, graceMs: this.graceMs, log: this.log, metrics: this.metrics },
    );
    const isReady = (): boolean => this.isReady;
    const relay = (): Relay | undefined => this.relay;
    this.links = new WorkerMessages(
      {
        store: options.store,
        delivery: this.delivery,
        writer: this.writer,
        metrics: this.metrics,
        certificates: this.certificates,
        log: this.log,
        now: this.now,
        name: options.name,
        heartbeatMs: options.heartbeatMs,
        get relay() {
          return relay();
        },
      },
      {
        get isReady() {
          return isReady();
        },
        driver: (id) => this.drivers.get(id),
        isDriven: (id) => this.drivers.has(id),
        endHost: (d, host, outcome, detail) => this.endHost(d, host, outcome, detail),
        schedulePump: () => this.schedulePump(),
      },
    );
    this.deciding = options.deciding ?? true;
    this.relay =
      this.deciding && options.store.capabilities.shared
        ? new Relay(
            {
              store: options.store,
              board: this.delivery.board,
              writer: this.writer,
              name: options.name,
              ttlMs: this.leaseTtlMs,
              graceMs: this.graceMs,
              log: this.log,
              now: this.now,
              metrics: this.metrics,
            },
            {
              driver: (id) => this.drivers.get(id),
              endHost: (d, host, outcome, detail) => this.endHost(d, host, outcome, detail),
              trySend: (ref) => this.delivery.trySend(ref),
              isDriven: (id) => this.drivers.has(id),
              claimedOwn: (ref, w) => this.relay?.outbox.placeClaimed(ref, w),
              sendCancel: (ref, reason) => this.delivery.cancel(ref, reason),
              armGrace: (w) => this.delivery.armGrace(w),
              schedulePump: () => this.schedulePump(),
            },
          )
        : undefined;
    this.cluster = new Cluster(
      {
        store: options.store,
        name: options.name,
        deciding: this.deciding,
        leaseTtlMs: this.leaseTtlMs,
        ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
        log: this.log,
        now: this.now,
      },
      {
        drivenJobs: () => [...this.drivers.keys()],
        isDriven: (id) => this.drivers.has(id),
        takeUp: async (id) => (await this.takeUp(id)) !== undefined,
        actLocal: (id, action, by) => this.actLocal(id, action, by),
        serveRequests: (id) => this.serveRequests(id),
        hold: (id) => {
          this.pin(id);
          return () => this.unpin(id);
        },
        dropNamespace: (ns) => this.dropNamespace(ns),
        drivenNamespaces: () => new Set([...this.drivers.values()].map((d) => d.namespace)),
        eventsStored: (id) => this.hub.refresh(id),
        refreshRemoteEvents: () => {
          for (const id of this.hub.subscribedJobs()) if (!this.drivers.has(id)) this.hub.refresh(id);
        },
      },
    );
    this.loader = new JobLoader({
      store: options.store,
      configs: this.configs,
      writer: this.writer,
      owner: options.name,
      leaseTtlMs: this.leaseTtlMs,
    });
  }

  get isReady(): boolean {
    return this.ready && !this.stopped && this.broken === undefined;
  }

  /** Why the dispatcher stopped deciding (a failed store write), if it did. */
  get failure(): string | undefined {
    if (this.broken === undefined) return undefined;
    const why = this.broken instanceof Error ? this.broken.message : 'unknown error';
    return `a store write failed (${why}); the dispatcher takes its jobs up again once the store answers`;
  }

  /** Take up every pending or running job in the store (after a restart: reconcile with workers). */
  async start(): Promise<void> {
    // Tasks carried for other servers first: a job taken up below finds them on the board.
    await this.relay?.start();
    if (this.deciding) await this.adoptActive();
    this.leaseTimer = setInterval(() => void this.renewLeases(), Math.max(1000, this.leaseTtlMs / 3));
    this.ready = true;
    this.cluster.start();
    this.schedulePump();
  }

  /**
   * A graceful stop begins: start no more hosts (the embedded worker would refuse them, and a host
   * written `running` that never ran would be `lost` on the server that takes the job over); running
   * hosts finish and their results are stored as usual.
   */
  quiesce(): void {
    this.quiescing = true;
  }

  /** Stop driving: write what is queued, release leases. Workers keep their tasks and report to the next dispatcher. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.leaseTimer);
    this.recovery.stop();
    for (const t of this.deadlines.values()) clearTimeout(t);
    this.delivery.stopTimers();
    await this.writer.flush().catch((e: unknown) => this.log.error({ err: e }, 'last write failed'));
    await this.relay?.stop();
    // Namespaces first: a server told its jobs' leases are free then finds their namespaces free too.
    await this.cluster.stop();
    for (const d of this.drivers.values()) {
      await this.store.releaseLease(d.id, this.options.name, d.epoch).catch(() => undefined);
    }
  }

  // ---- jobs ----------------------------------------------------------------------------------------

  /** Start driving a job just created in the store (with its envelope, for a sealed job). */
  launch(record: JobRecord, plan: Plan, envelope?: SealedEnvelope): Promise<void> {
    // Registered before the first await: a takeover scan that hears of the new job waits for this instead
    // of building a second driver (two rollouts would both write event 1).
    const p = this.launchNow(record, plan, envelope);
    const gate = p.then(() => this.drivers.get(record.id));
    this.adopting.set(record.id, gate);
    void gate
      .finally(() => {
        if (this.adopting.get(record.id) === gate) this.adopting.delete(record.id);
      })
      .catch(() => undefined);
    return p;
  }

  private async launchNow(record: JobRecord, plan: Plan, envelope?: SealedEnvelope): Promise<void> {
    if (!(await this.cluster.ensure(record.namespace))) {
      // Another server drives the namespace (or this one only serves the API): it takes the job up.
      this.log.info({ job: record.id, namespace: record.namespace }, 'job left to the namespace’s owner');
      return;
    }
    const lease = await this.store.acquireLease(record.id, this.options.name, this.leaseTtlMs, this.now());
    if (!lease) throw new PogoError('LEASE_LOST', `job ${record.id} is driven by another dispatcher`);
    if (envelope) this.envelopes.set(record.id, envelope);
    const d = this.loader.create(record, plan, lease.epoch, 0, new Map());
    this.drivers.set(record.id, d);
    d.note({ type: 'job:submitted', t: record.createdAt, by: record.user });
    d.rollout.start(this.now());
    this.settle(d);
    this.schedulePump();
    await this.writer.flush();
  }

  /** The driver of a job, taking it up from the store when no dispatcher holds it (a finished job). */
  async driverFor(jobId: string): Promise<JobDriver> {
    const live = this.drivers.get(jobId);
    if (live) return live;
    const record = await this.store.getJob(jobId);
    const d = this.deciding ? await this.adopt(record) : undefined;
    if (!d) throw await this.drivenElsewhere(record.id, record.namespace);
    return d;
  }

  /**
   * Whether this server drives (or may now take) the namespace: a sealed job must be submitted where it
   * runs, since its envelope stays in that server's memory. Throws LEASE_LOST naming the server that does.
   */
  async mustDrive(jobId: string | undefined, namespace: string): Promise<void> {
    if (await this.cluster.ensure(namespace)) return;
    throw await this.drivenElsewhere(jobId, namespace);
  }

  private async drivenElsewhere(jobId: string | undefined, namespace: string): Promise<PogoError> {
    const leases = await this.store.activeLeases().catch(() => []);
    const owner = leases.find((l) => l.jobId === jobId || l.namespace === namespace)?.owner;
    const what = jobId !== undefined ? `job ${jobId}` : `namespace ${namespace}`;
    return new PogoError(
      'LEASE_LOST',
      `${what} is driven by ${owner ? `server ${owner}` : 'another server'}, which holds its passwords in memory`,
      {
        hint: this.deciding
          ? `send this request to ${owner ? `server ${owner}` : 'the server that drives it'}`
          : 'this server only serves the API (--roles api): send it to a dispatcher server',
      },
    );
  }

  /** The live driver, if this dispatcher holds the job. */
  liveDriver(jobId: string): JobDriver | undefined {
    return this.drivers.get(jobId);
  }

  /**
   * Carry out an operator's action: here when this server drives the job or can take it up, else through
   * the store by the server that drives it (waiting for its answer).
   */
  async act(jobId: string, action: JobAction, by: string): Promise<void> {
    if (await this.takeUp(jobId)) {
      return this.actLocal(jobId, action, by);
    }
    return this.cluster.forward(jobId, action, by);
  }

  /** A request was queued for a job no one drives: take it up (when free) and answer it here. */
  private async serveRequests(jobId: string): Promise<void> {
    this.pin(jobId);
    try {
      if (await this.takeUp(jobId)) await this.cluster.processRequests([jobId]);
    } finally {
      this.unpin(jobId);
    }
  }

  private pin(jobId: string): void {
    this.pins.set(jobId, (this.pins.get(jobId) ?? 0) + 1);
  }

  private unpin(jobId: string): void {
    const n = (this.pins.get(jobId) ?? 1) - 1;
    if (n > 0) return void this.pins.set(jobId, n);
    this.pins.delete(jobId);
    const d = this.drivers.get(jobId);
    if (d) this.unloadIfDone(d);
  }

  private async actLocal(jobId: string, action: JobAction, by: string): Promise<void> {
    const ctx = {
      cancelRunning: (d: JobDriver) => {
        for (const ref of this.delivery.board.tasksOfJob(d.id)) this.delivery.cancel(ref, 'killed');
      },
      holdsEnvelope: (id: string) => this.envelopes.has(id),
    };
    this.pin(jobId);
    try {
      await this.operate(jobId, (d, now) => applyAction(d, action, by, now, ctx));
    } finally {
      this.unpin(jobId);
    }
  }

  /** Run an operator action on a job's rollout, write it, and let hosts start. */
  async operate(jobId: string, action: (d: JobDriver, now: number) => void): Promise<JobDriver> {
    const d = await this.driverFor(jobId);
    action(d, this.now());
    this.settle(d);
    this.schedulePump();
    await this.writer.flush();
    return d;
  }

  /**
   * Give a sealed job its envelope again (after a restart it waits in `needs-password`), or replace it.
   * The caller writes the audit entry; the envelope itself is never written anywhere.
   */
  async giveEnvelope(jobId: string, envelope: SealedEnvelope, by: string): Promise<JobDriver> {
    return this.operate(jobId, (d, now) => {
      if (!d.sealed) {
        throw new PogoError('JOB_BAD_REQUEST', `job ${d.id} was submitted without a password`, {
          hint: 'resume it without --password',
        });
      }
      this.envelopes.set(d.id, envelope);
      d.unpark(now, by);
    });
  }

  /** Whether a sealed job's envelope is held (false after a restart until it is given again). */
  holdsEnvelope(jobId: string): boolean {
    return this.envelopes.has(jobId);
  }

  /** Fingerprints of the worker certificates an envelope may be sealed to (seen on a link since this server started). */
  knowsCertificate(fingerprint: string): boolean {
    return this.certificates.knows(fingerprint);
  }

  /** Worker certificates, connected ones first, for clients to seal envelopes to. */
  workerCertificates(): WorkerCertificate[] {
    const connected = new Set(
      this.delivery.board
        .all()
        .filter((w) => w.channel)
        .map((w) => w.fingerprint),
    );
    return this.certificates.list(connected);
  }

  workers(): WorkerInfo[] {
    return this.delivery.board.list();
  }

  liveJobCount(): number {
    return this.drivers.size;
  }

  // ---- worker link: handled by WorkerMessages -------------------------------------------------------

  onHello(channel: WorkerChannel, hello: HelloMessage): Promise<WelcomeMessage> {
    return this.links.onHello(channel, hello);
  }
  onSeen(channel: WorkerChannel): void {
    this.links.onSeen(channel);
  }
  onOutput(channel: WorkerChannel, m: OutputMessage): void {
    this.links.onOutput(channel, m);
  }
  onResult(channel: WorkerChannel, m: ResultMessage): void {
    this.links.onResult(channel, m);
  }
  onRefuse(channel: WorkerChannel, m: RefuseMessage): void {
    this.links.onRefuse(channel, m);
  }
  onDisconnect(channel: WorkerChannel, reason: string, drained?: boolean): void {
    this.links.onDisconnect(channel, reason, drained);
  }

  // ---- internals -----------------------------------------------------------------------------------

  /** Rebuild a stored job's driver and take over its running hosts (recovery, or an operation on a finished job). */
  private adopt(record: JobRecord): Promise<JobDriver | undefined> {
    // One at a time per job: a second rollout on the ledger would take the running hosts' slots twice.
    const busy = this.adopting.get(record.id);
    if (busy) return busy;
    const p = this.adoptNow(record).finally(() => this.adopting.delete(record.id));
    this.adopting.set(record.id, p);
    return p;
  }

  private readonly adopting = new Map<string, Promise<JobDriver | undefined>>();

  private async adoptNow(record: JobRecord): Promise<JobDriver | undefined> {
    const driven = this.drivers.get(record.id);
    if (driven) return driven;
    if (!(await this.cluster.ensure(record.namespace))) return undefined;
    // Read before the lease is taken: a row that changes meanwhile is notified, and synced once driven here.
    const relayed = this.relay ? await this.store.relayTasksOf([record.id]) : [];
    const onRelay = new Set(relayed.map((r) => `${r.host}\u0000${r.attempt}`));
    const now = this.now();
    const loaded = await this.loader.load(record, now);
    if (!loaded) return undefined;
    const { driver: d, hosts, epoch } = loaded;
    this.drivers.set(record.id, d);
    if (record.state === 'pending') d.note({ type: 'job:submitted', t: record.createdAt, by: record.user });
    const report = new Set<WorkerSlot>();
    for (const h of hosts) {
      // A task on the relay is wherever its row says (offered, claimed by a carrier, or done).
      if (h.state !== 'running' || onRelay.has(`${h.host}\u0000${h.attempt}`)) continue;
      const key: TaskKey = { job: record.id, host: h.host, attempt: h.attempt };
      const w = h.worker
        ? (this.delivery.board.worker(h.worker) ?? this.delivery.board.absent(h.worker, now))
        : undefined;
      if (!w) {
        this.endHost(d, h.host, 'lost', lostDetail(now, 'no worker was recorded for it'));
        continue;
      }
      const ref = this.delivery.board.assign(key, w, true);
      ref.committed = true;
      if (!w.channel) this.delivery.armGrace(w);
      else report.add(w);
    }
    // A worker already connected here got these tasks from the job's previous owner: it says what it holds
    // (and sends its results again) only in a hello, so its link is closed and it reconnects at once.
    for (const w of report) w.channel?.close(`job ${record.id} was taken over: report the tasks held`);
    this.relay?.outbox.apply(d, relayed, now);
    this.settle(d);
    this.log.info({ job: record.id, state: record.state, epoch }, 'job taken up');
    return d;
  }

  /** A host ended: tell the engine, write it, let the next hosts start. */
  private endHost(d: JobDriver, host: string, outcome: HostOutcome, detail: HostDetail): void {
    d.finish(host, outcome, this.now(), detail);
    this.settle(d);
    this.schedulePump();
  }

  /** Write a driver's new events and row changes; publish them once committed; unload finished jobs. */
  private settle(d: JobDriver): void {
    // A host offered to the relay has no worker yet ('' on the board): null until a carrier claims it.
    d.drain(
      (host) => this.delivery.board.task({ job: d.id, host, attempt: d.attemptOf(host) })?.worker || null,
    );
    this.envelopes.parkIfGone(d, this.now());
    const events = d.takePending();
    this.armDeadline(d);
    const terminal = isTerminalJobState(d.rollout.jobStateNow);
    if (events.length === 0 && !terminal) return;
    this.writer.afterCommit((err) => {
      if (err !== undefined) return this.onStoreFailure(err);
      if (events.length > 0) this.hub.publish(d.id, events);
      this.unloadIfDone(d);
    });
  }

  /**
   * A finished job with no task out and no action being answered is given up (its lease released), once
   * its last rows are committed (they are written under its lease's epoch).
   */
  private unloadIfDone(d: JobDriver): void {
    if (!isTerminalJobState(d.rollout.jobStateNow) || this.pins.has(d.id)) return;
    if (this.delivery.board.tasksOfJob(d.id).length > 0) return;
    if (this.writer.holds(d.id)) return this.writer.afterCommit(() => this.unloadIfDone(d));
    this.unload(d);
  }

  /** Take up a job no server drives (its lease free or expired), when its namespace is free or ours. */
  private async takeUp(jobId: string): Promise<JobDriver | undefined> {
    const live = this.drivers.get(jobId);
    if (live) return live;
    if (!this.deciding || this.stopped || !this.ready || this.broken !== undefined) return undefined;
    const d = await this.adopt(await this.store.getJob(jobId));
    if (d) this.schedulePump();
    return d;
  }

  /** Another server drives the namespace now: forget its jobs here (their writes would be refused anyway). */
  private dropNamespace(namespace: string): void {
    for (const d of [...this.drivers.values()]) {
      if (d.namespace !== namespace) continue;
      this.log.error({ job: d.id, namespace }, 'job dropped: another server drives its namespace now');
      this.forget(d);
    }
    this.loader.resetLedger(namespace);
  }

  /** Stop driving `d` without writing anything (its lease is someone else's). */
  private forget(d: JobDriver): void {
    this.drivers.delete(d.id);
    this.envelopes.drop(d.id);
    clearTimeout(this.deadlines.get(d.id));
    this.deadlines.delete(d.id);
    const holders = new Set<WorkerSlot>();
    for (const ref of this.delivery.board.tasksOfJob(d.id)) {
      this.links.forgetOutput(ref.key);
      const w = this.delivery.board.worker(ref.worker);
      if (ref.sent && w) holders.add(w);
      this.delivery.board.remove(ref);
    }
    // Their workers say what they hold in a new hello: the tasks are then carried here for the new owner.
    for (const w of holders)
      w.channel?.close(`job ${d.id} is driven by another server now: report the tasks held`);
  }

  private unload(d: JobDriver): void {
    if (this.drivers.get(d.id) !== d) return;
    this.drivers.delete(d.id);
    this.envelopes.drop(d.id);
    clearTimeout(this.deadlines.get(d.id));
    this.deadlines.delete(d.id);
    void this.store.releaseLease(d.id, this.options.name, d.epoch).catch(() => undefined);
  }

  private armDeadline(d: JobDriver): void {
    const deadline = d.rollout.deadline;
    clearTimeout(this.deadlines.get(d.id));
    this.deadlines.delete(d.id);
    if (deadline === undefined || d.rollout.jobStateNow !== 'running' || d.rollout.draining) return;
    const t = setTimeout(
      () => {
        this.deadlines.delete(d.id);
        d.rollout.tick(Math.max(this.now(), deadline));
        this.settle(d);
        this.schedulePump();
      },
      Math.max(0, deadline - this.now()),
    );
    this.deadlines.set(d.id, t);
  }

  schedulePump(): void {
    if (this.pumpQueued || this.stopped) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  /**
   * Ask every running job, in turn, for hosts to start within the free worker capacity here, and beyond it
   * (jobs without a password envelope) within what other servers' workers can take (the relay). Room left
   * over claims other servers' offers, after this server's own oldest offers.
   */
  private pump(): void {
    if (!this.isReady || this.quiescing) return;
    this.delivery.placeUnplaced();
    const board = this.delivery.board;
    let free = board.freeCapacity();
    // Own offers nobody claimed yet go first when room appears here (they hold their slots already).
    free -= Math.min(free, this.relay?.outbox.unclaimed() ?? 0);
    let relayRoom = this.relay?.room() ?? 0;
    const live = [...this.drivers.values()].filter((d) => d.rollout.jobStateNow === 'running' && !d.parked);
    const now = this.now();
    const first = live.length === 0 ? 0 : this.rr++ % live.length;
    for (let i = 0; i < live.length && free + relayRoom > 0; i++) {
      const d = live[(first + i) % live.length] as JobDriver;
      const accept = this.workersFor(d.id);
      const here = d.sealed ? Math.min(free, board.freeCapacity(accept)) : free;
      const room = here + (d.sealed ? 0 : relayRoom);
      if (room === 0) continue;
      const started = d.next(now, room);
      const refs: TaskRef[] = [];
      for (const { host, attempt } of started.slice(0, here)) {
        const w = board.pick(accept) as WorkerSlot;
        refs.push(board.assign({ job: d.id, host, attempt }, w));
      }
      const offered = started.slice(here);
      if (offered.length > 0) this.relay?.outbox.offer(d, offered);
      free -= started.length - offered.length;
      relayRoom -= offered.length;
      this.metrics.hostStarts += started.length;
      this.settle(d);
      if (refs.length > 0) {
        this.writer.afterCommit((err) => {
          if (err !== undefined) return this.onStoreFailure(err);
          for (const ref of refs) {
            ref.committed = true;
            this.delivery.trySend(ref);
          }
        });
      }
    }
    this.relay?.afterPump();
  }

  private workersFor(jobId: string): WorkerFilter {
    return this.envelopes.workersFor(jobId, this.drivers.get(jobId)?.sealed === true);
  }

  /**
   * Renew every lease. A lease another dispatcher now holds (or a newer epoch) drops the job here; a store
   * that does not answer does not: the job is kept and the renewal tried again, since every write carries
   * the epoch and is refused (LEASE_LOST) should another dispatcher have taken the job meanwhile.
   */
  private async renewLeases(): Promise<void> {
    await this.cluster.renew();
    for (const d of [...this.drivers.values()]) {
      let lease: Awaited<ReturnType<Store['acquireLease']>>;
      try {
        lease = await this.store.acquireLease(d.id, this.options.name, this.leaseTtlMs, this.now());
      } catch (e: unknown) {
        this.log.warn({ job: d.id, err: e }, 'lease renewal failed (store unavailable); trying again');
        continue;
      }
      if ((!lease || lease.epoch !== d.epoch) && this.drivers.get(d.id) === d) {
        this.log.error({ job: d.id }, 'lease lost: another dispatcher drives the job now');
        this.forget(d);
      }
    }
  }

  /**
   * A batch was not stored. What the engine decided in memory may now be ahead of the store, so the
   * dispatcher stops deciding and writing: no task goes out and no result is acknowledged (workers keep
   * them), and `/readyz` says why. Once the store answers again it reloads every job from what the store
   * holds, as a restart would, and the workers reconnect and report their tasks: nothing is lost and no
   * command runs twice.
   */
  private onStoreFailure(err: unknown): void {
    if (this.broken !== undefined) return;
    this.log.error({ err }, 'store write failed: the dispatcher stops deciding until the store answers');
    this.broken = err;
    this.writer.suspend(err instanceof Error ? err : new Error('store write failed'));
    this.recovery.begin();
  }

  /** The store answers again: drop every in-memory job and take them all up again from the store. */
  private async reload(): Promise<boolean> {
    if (this.stopped || this.broken === undefined) return true;
    for (const t of this.deadlines.values()) clearTimeout(t);
    this.deadlines.clear();
    this.drivers.clear();
    this.links.clearOutput();
    this.delivery.reset('the dispatcher takes its jobs up again after a store failure');
    this.loader.resetLedgers();
    this.writer.resume();
    this.broken = undefined;
    let taken: number;
    try {
      taken = await this.adoptActive();
    } catch (e: unknown) {
      this.onStoreFailure(e);
      return false;
    }
    this.log.info({ jobs: taken }, `store is back: ${taken} job(s) taken up again`);
    this.schedulePump();
    // Stored only if the reload's own writes land: else the next failure backs off further.
    return this.writer.flush().then(
      () => true,
      () => false,
    );
  }

  /** Take up every active job of the store; returns how many (a job that cannot be taken up is logged). */
  private async adoptActive(): Promise<number> {
    let taken = 0;
    for (const record of await this.store.activeJobs()) {
      try {
        if (await this.adopt(record)) taken++;
      } catch (e: unknown) {
        this.log.error({ err: e, job: record.id }, 'cannot take up job');
      }
    }
    return taken;
  }
}
