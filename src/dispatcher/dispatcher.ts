// The dispatcher: drives every live job with the engine, hands tasks to workers within their capacity, records all.
import type { Plan } from '../engine/index.ts';
import type { JobRecord, SealedEnvelope, WorkerCertificate, WorkerInfo } from '../model/index.ts';
import { PogoError } from '../model/index.ts';
import type { JobAction, Store } from '../store/index.ts';
import type {
  HelloMessage,
  OutputMessage,
  RefuseMessage,
  ResultMessage,
  WelcomeMessage,
} from '../worker/index.ts';
import { Cluster } from './cluster.ts';
import { ConfigCache } from './config-cache.ts';
import { ActionDesk } from './action-desk.ts';
import { JobAdoption } from './job-adoption.ts';
import { JobBook } from './job-book.ts';
import { TaskPump } from './task-pump.ts';
import { Notifier } from './notifier.ts';
import type { NotifierOptions } from './notifier.ts';
import { EnvelopeKeeper } from './envelope-keeper.ts';
import { EventHub } from './event-hub.ts';
import { StoreRecovery } from './store-recovery.ts';
import { WorkerCertificates } from './worker-certificates.ts';
import { WorkerMessages } from './worker-messages.ts';
import type { JobDriver } from './job-driver.ts';
import { JobLoader } from './job-loader.ts';
import type { Logger } from './logger.ts';
import { silentLogger } from './logger.ts';
import { DispatcherMetrics } from './metrics.ts';
import { ProgressWriter } from './progress-writer.ts';
import { Relay } from './relay.ts';
import { TaskDelivery } from './task-delivery.ts';
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
  /** Webhooks: the server's own (every namespace), the secrets their URLs may use, the UI's address. */
  readonly notify?: Omit<NotifierOptions, 'configs' | 'server' | 'log' | 'onOutcome'>;
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
  /** The jobs driven here. */
  private readonly book: JobBook;
  private readonly pump: TaskPump;
  private readonly notifier: Notifier;
  private readonly links: WorkerMessages;
  private readonly store: Store;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly graceMs: number;
  private readonly leaseTtlMs: number;
  private quiescing = false;
  private leaseTimer: NodeJS.Timeout | undefined;
  private ready = false;
  private stopped = false;
  /** A store write failed: memory and store may differ, so nothing more is decided until a restart. */
  private broken: unknown;
  private readonly recovery: StoreRecovery;
  /** Several servers on one store: namespace ownership, takeover, requests to other owners. */
  readonly cluster: Cluster;
  private readonly deciding: boolean;
  /** Operators' actions, and the jobs held while one is answered. */
  private readonly desk: ActionDesk;
  private readonly adoption: JobAdoption;
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
      epochOf: (id) => this.book.get(id)?.epoch,
      ...(options.commitDelayMs !== undefined ? { delayMs: options.commitDelayMs } : {}),
      onCommit: (ms, rows) => this.metrics.commit(ms, rows),
    });
    this.delivery = new TaskDelivery(
      {
        driver: (id) => this.book.get(id),
        endHost: (d, host, outcome, detail) => this.book.endHost(d, host, outcome, detail),
        settle: (d) => this.book.settle(d),
        schedulePump: () => this.schedulePump(),
        workersFor: (id) => this.pump.workersFor(id),
        envelopeFor: (id, w) => this.envelopes.boxJson(id, w.fingerprint),
        jobOf: (id) => {
          const d = this.book.get(id);
          if (!d) return this.relay?.carrier.jobOf(id);
          return { namespace: d.namespace, spec: d.wireSpec, hostFields: (host) => d.hostFields(host) };
        },
        carriedRefused: (ref) => this.relay?.carrier.refused(ref),
        carriedGone: (ref, why) => this.relay?.carrier.gone(ref, why),
        cancelRelayed: (ref, reason) => this.relay?.outbox.cancel(ref, reason),
      },
      { writer: this.writer, now: this.now, graceMs: this.graceMs, log: this.log, metrics: this.metrics },
    );
    this.notifier = new Notifier({
      targets: [],
      secrets: new Map(),
      ...options.notify,
      configs: this.configs,
      server: options.name,
      log: this.log,
      onOutcome: (outcome) => this.metrics.notified(outcome),
    });
    this.book = new JobBook(
      {
        store: options.store,
        name: options.name,
        writer: this.writer,
        hub: this.hub,
        board: this.delivery.board,
        envelopes: this.envelopes,
        log: this.log,
        now: this.now,
      },
      {
        schedulePump: () => this.schedulePump(),
        onStoreFailure: (err) => this.onStoreFailure(err),
        isHeld: (id) => this.desk.isHeld(id),
        forgetOutput: (key) => this.links.forgetOutput(key),
        published: (d, events) => this.notifier.jobEvents(d, events),
      },
    );
    this.pump = new TaskPump({
      book: this.book,
      delivery: this.delivery,
      writer: this.writer,
      envelopes: this.envelopes,
      metrics: this.metrics,
      now: this.now,
      active: () => this.isReady && !this.quiescing,
      relay: () => this.relay,
      onStoreFailure: (err) => this.onStoreFailure(err),
    });
    const isReady = (): boolean => this.isReady;
    const relay = (): Relay | undefined => this.relay;
    this.links = new WorkerMessages(
      {
        store: options.store,
        book: this.book,
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
        schedulePump: () => this.schedulePump(),
      },
    );
    this.deciding = options.deciding ?? true;
    this.relay =
      this.deciding && options.store.capabilities.shared
        ? new Relay({
            store: options.store,
            book: this.book,
            delivery: this.delivery,
            writer: this.writer,
            name: options.name,
            ttlMs: this.leaseTtlMs,
            graceMs: this.graceMs,
            log: this.log,
            now: this.now,
            metrics: this.metrics,
            schedulePump: () => this.schedulePump(),
          })
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
        drivenJobs: () => this.book.all().map((d) => d.id),
        isDriven: (id) => this.book.has(id),
        takeUp: async (id) => (await this.takeUp(id)) !== undefined,
        actLocal: (id, action, by) => this.desk.actLocal(id, action, by),
        serveRequests: (id) => this.desk.serveRequests(id),
        hold: (id) => this.desk.hold(id),
        dropNamespace: (ns) => {
          this.book.forgetNamespace(ns);
          this.loader.resetLedger(ns);
        },
        drivenNamespaces: () => new Set(this.book.all().map((d) => d.namespace)),
        eventsStored: (id) => this.hub.refresh(id),
        refreshRemoteEvents: () => {
          for (const id of this.hub.subscribedJobs()) if (!this.book.has(id)) this.hub.refresh(id);
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
    this.desk = new ActionDesk(
      { store: options.store, cluster: this.cluster, deciding: this.deciding },
      {
        takeUp: (id) => this.takeUp(id),
        operate: (id, action) => this.operate(id, action),
        released: (id) => {
          const d = this.book.get(id);
          if (d) this.book.unloadIfDone(d);
        },
        cancelRunning: (d) => {
          for (const ref of this.delivery.board.tasksOfJob(d.id)) this.delivery.cancel(ref, 'killed');
        },
        holdsEnvelope: (id) => this.envelopes.has(id),
      },
    );
    this.adoption = new JobAdoption(
      {
        store: options.store,
        book: this.book,
        loader: this.loader,
        delivery: this.delivery,
        log: this.log,
        now: this.now,
      },
      { ensure: (ns) => this.cluster.ensure(ns), relay: () => this.relay },
    );
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
    if (this.deciding) await this.adoption.adoptActive();
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
    this.pump.stop();
    this.notifier.stop();
    clearInterval(this.leaseTimer);
    this.recovery.stop();
    this.book.stopTimers();
    this.delivery.stopTimers();
    await this.writer.flush().catch((e: unknown) => this.log.error({ err: e }, 'last write failed'));
    await this.relay?.stop();
    // Namespaces first: a server told its jobs' leases are free then finds their namespaces free too.
    await this.cluster.stop();
    for (const d of this.book.all()) {
      await this.store.releaseLease(d.id, this.options.name, d.epoch).catch(() => undefined);
    }
  }

  // ---- jobs ----------------------------------------------------------------------------------------

  /** Start driving a job just created in the store (with its envelope, for a sealed job). */
  launch(record: JobRecord, plan: Plan, envelope?: SealedEnvelope): Promise<void> {
    // Registered before the first await: a takeover scan that hears of the new job waits for this instead
    // of building a second driver (two rollouts would both write event 1).
    const p = this.launchNow(record, plan, envelope);
    this.adoption.during(
      record.id,
      p.then(() => this.book.get(record.id)),
    );
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
    this.book.add(d);
    d.note({ type: 'job:submitted', t: record.createdAt, by: record.user });
    d.rollout.start(this.now());
    this.book.settle(d);
    this.schedulePump();
    await this.writer.flush();
  }

  /** The driver of a job, taking it up from the store when no dispatcher holds it (a finished job). */
  async driverFor(jobId: string): Promise<JobDriver> {
    const live = this.book.get(jobId);
    if (live) return live;
    const record = await this.store.getJob(jobId);
    const d = this.deciding ? await this.adoption.adopt(record) : undefined;
    if (!d) throw await this.desk.drivenElsewhere(record.id, record.namespace);
    return d;
  }

  /** Throws LEASE_LOST naming the server that drives the namespace, unless this one does (or may now). */
  mustDrive(jobId: string | undefined, namespace: string): Promise<void> {
    return this.desk.mustDrive(jobId, namespace);
  }

  /** The live driver, if this dispatcher holds the job. */
  liveDriver(jobId: string): JobDriver | undefined {
    return this.book.get(jobId);
  }

  /** Carry out an operator's action, here or by the job's owner (see ActionDesk). */
  act(jobId: string, action: JobAction, by: string): Promise<void> {
    return this.desk.act(jobId, action, by);
  }

  /** Run an operator action on a job's rollout, write it, and let hosts start. */
  async operate(jobId: string, action: (d: JobDriver, now: number) => void): Promise<JobDriver> {
    const d = await this.driverFor(jobId);
    action(d, this.now());
    this.book.settle(d);
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
    return this.book.size;
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

  /** Take up a job no server drives (its lease free or expired), when its namespace is free or ours. */
  private async takeUp(jobId: string): Promise<JobDriver | undefined> {
    const live = this.book.get(jobId);
    if (live) return live;
    if (!this.deciding || this.stopped || !this.ready || this.broken !== undefined) return undefined;
    const d = await this.adoption.adopt(await this.store.getJob(jobId));
    if (d) this.schedulePump();
    return d;
  }

  schedulePump(): void {
    this.pump.schedule();
  }

  /**
   * Renew every lease. A lease another dispatcher now holds (or a newer epoch) drops the job here; a store
   * that does not answer does not: the job is kept and the renewal tried again, since every write carries
   * the epoch and is refused (LEASE_LOST) should another dispatcher have taken the job meanwhile.
   */
  private async renewLeases(): Promise<void> {
    await this.cluster.renew();
    for (const d of this.book.all()) {
      let lease: Awaited<ReturnType<Store['acquireLease']>>;
      try {
        lease = await this.store.acquireLease(d.id, this.options.name, this.leaseTtlMs, this.now());
      } catch (e: unknown) {
        this.log.warn({ job: d.id, err: e }, 'lease renewal failed (store unavailable); trying again');
        continue;
      }
      if ((!lease || lease.epoch !== d.epoch) && this.book.get(d.id) === d) {
        this.log.error({ job: d.id }, 'lease lost: another dispatcher drives the job now');
        this.book.forget(d);
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
    this.book.clear();
    this.links.clearOutput();
    this.delivery.reset('the dispatcher takes its jobs up again after a store failure');
    this.loader.resetLedgers();
    this.writer.resume();
    this.broken = undefined;
    let taken: number;
    try {
      taken = await this.adoption.adoptActive();
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
}
