// Several servers on one store: namespace ownership, taking up orphaned jobs, requests to a job's owner,
// and the events of jobs driven elsewhere for this server's subscribers.
import type { ErrorCode } from '../model/index.ts';
import { ERROR_CODES, PogoError, isPogoError } from '../model/index.ts';
import type { JobAction, JobRequest, Store, StoreChange } from '../store/index.ts';
import { checkAction } from './job-actions.ts';
import type { Logger } from './logger.ts';

/** What the cluster needs of its dispatcher. */
export interface ClusterHost {
  /** Ids of the jobs this server drives. */
  drivenJobs(): readonly string[];
  isDriven(jobId: string): boolean;
  /** Take up a job no one drives (its lease free or expired); false when it cannot. */
  takeUp(jobId: string): Promise<boolean>;
  /** Keep the job's lease until the returned function is called (a request is being answered). */
  hold(jobId: string): () => void;
  /** Take up a job no one drives to answer its open requests (a finished job, an action made elsewhere). */
  serveRequests(jobId: string): Promise<void>;
  /** Carry out an action on a job this server drives (throws as the engine does). */
  actLocal(jobId: string, action: JobAction, by: string): Promise<void>;
  /** The namespace lease was lost: stop driving its jobs (another server does now). */
  dropNamespace(namespace: string): void;
  /** Namespaces of the jobs this server drives. */
  drivenNamespaces(): ReadonlySet<string>;
  /** Events of `jobId` were stored by another server: deliver them to subscribers here. */
  eventsStored(jobId: string): void;
  /** Every job with subscribers here that another server drives: check the store for new events. */
  refreshRemoteEvents(): void;
}

export interface ClusterOptions {
  readonly store: Store;
  /** This server's name: the lease owner. */
  readonly name: string;
  /** Whether this server drives jobs (role `dispatcher`); an API-only server only forwards and watches. */
  readonly deciding: boolean;
  readonly leaseTtlMs: number;
  /** How long an action waits for the job's owner before JOB_OWNER_UNAVAILABLE (default 15 s). */
  readonly requestTimeoutMs?: number;
  readonly log: Logger;
  readonly now: () => number;
}

/**
 * A job just submitted is left this long to the server it was submitted to (which launches it at once when
 * its namespace is free), so namespaces spread over the servers that take the submissions.
 */
const SUBMITTER_FIRST_MS = 1_000;

/** Fallback polling while waiting for an answer or for events: NOTIFY is the fast path, not the only one. */
const POLL_MS = 1_000;

export class Cluster {
  private readonly namespaces = new Map<string, number>();
  /** When each namespace was last taken or renewed for a launch or takeover (kept through the next renewal). */
  private readonly ensuredAt = new Map<string, number>();
  private readonly waiters = new Set<() => void>();
  private scanTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private unwatch: (() => void) | undefined;
  private scanning = false;
  private scanAgain = false;
  private requestsQueued = false;
  private stopped = false;

  constructor(
    private readonly o: ClusterOptions,
    private readonly host: ClusterHost,
  ) {}

  /** Whether this server holds the namespace's lease now. */
  owns(namespace: string): boolean {
    return this.namespaces.has(namespace);
  }

  start(): void {
    this.unwatch = this.o.store.watch((c) => this.onChange(c));
    this.pollTimer = setInterval(() => {
      this.host.refreshRemoteEvents();
      this.wakeWaiters();
      if (this.o.deciding) this.queueRequests();
    }, POLL_MS);
    this.pollTimer.unref();
    if (this.o.deciding) this.scheduleScan(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unwatch?.();
    clearTimeout(this.scanTimer);
    clearInterval(this.pollTimer);
    this.wakeWaiters();
    for (const [ns, epoch] of this.namespaces) {
      await this.o.store.releaseNamespaceLease(ns, this.o.name, epoch).catch(() => undefined);
    }
    this.namespaces.clear();
  }

  /** Take or renew the namespace's lease; false when another server holds it (or this one only serves the API). */
  async ensure(namespace: string): Promise<boolean> {
    if (!this.o.deciding || this.stopped) return false;
    if (!this.o.store.capabilities.shared) {
      // One server holds a SQLite file (its data directory lock): every namespace is its own.
      this.namespaces.set(namespace, 0);
      return true;
    }
    const lease = await this.o.store.acquireNamespaceLease(
      namespace,
      this.o.name,
      this.o.leaseTtlMs,
      this.o.now(),
    );
    if (!lease) {
      this.namespaces.delete(namespace);
      return false;
    }
    const had = this.namespaces.get(namespace);
    if (had !== lease.epoch && (await this.foreignJobs(namespace))) {
      // Taken from a server whose namespace lease lapsed while its job leases live on (a slow renewal):
      // it still drives those jobs, so this server must not decide for the namespace beside it.
      await this.o.store.releaseNamespaceLease(namespace, this.o.name, lease.epoch);
      this.namespaces.delete(namespace);
      return false;
    }
    this.ensuredAt.set(namespace, this.o.now());
    this.namespaces.set(namespace, lease.epoch);
    if (had !== undefined && had !== lease.epoch) {
      // Our lease lapsed and we took it again: another server may have driven its jobs meanwhile.
      this.host.dropNamespace(namespace);
    }
    return true;
  }

  /**
   * Renew every namespace lease held: one lost (another server took it while this one was paused or cut
   * off) drops its jobs here; one with no job left here is given up so another server may take it.
   */
  async renew(): Promise<void> {
    const driven = this.host.drivenNamespaces();
    const now = this.o.now();
    for (const [ns, epoch] of [...this.namespaces]) {
      // A namespace just taken for a job being launched or taken up is not idle, though no driver shows it yet.
      const claimed = now - (this.ensuredAt.get(ns) ?? 0) < this.o.leaseTtlMs / 2;
      if (!driven.has(ns) && !claimed) {
        this.namespaces.delete(ns);
        if (this.o.store.capabilities.shared)
          await this.o.store.releaseNamespaceLease(ns, this.o.name, epoch).catch(() => undefined);
        continue;
      }
      let ok: boolean;
      try {
        ok = await this.ensure(ns);
      } catch (e: unknown) {
        this.o.log.warn({ namespace: ns, err: e }, 'namespace lease renewal failed; trying again');
        continue;
      }
      if (!ok) {
        this.o.log.error({ namespace: ns }, 'namespace lease lost: another server drives its jobs now');
        this.host.dropNamespace(ns);
      }
    }
  }

  /** Whether another server holds a live lease on an active job of the namespace. */
  private async foreignJobs(namespace: string): Promise<boolean> {
    const now = this.o.now();
    return (await this.o.store.activeLeases()).some(
      (l) =>
        l.namespace === namespace &&
        l.owner !== null &&
        l.owner !== this.o.name &&
        l.expiresAt !== null &&
        l.expiresAt > now,
    );
  }

  /**
   * Carry out `action` on a job another server drives: queue it in the store and wait for the answer.
   * Should the job lose its owner meanwhile (it finished, or its server died), this server takes it up and
   * answers the request itself.
   */
  async forward(jobId: string, action: JobAction, by: string): Promise<void> {
    const req = await this.o.store.addJobRequest(jobId, action, by, this.o.now());
    const timeoutMs = this.o.requestTimeoutMs ?? 15_000;
    const deadline = this.o.now() + timeoutMs;
    for (;;) {
      const now = await this.o.store.getJobRequest(req.id);
      if (now.doneAt !== null) return answer(now);
      // Driven here (taken up now, or already): no other server can be carrying it out meanwhile.
      if (this.o.deciding && (await this.host.takeUp(jobId))) {
        const again = await this.o.store.getJobRequest(req.id);
        if (again.doneAt !== null) return answer(again);
        await this.carryOut(again);
        return answer(await this.o.store.getJobRequest(req.id));
      }
      if (this.o.now() >= deadline || this.stopped) {
        throw new PogoError(
          'JOB_OWNER_UNAVAILABLE',
          `the server driving job ${jobId} did not carry out the ${action.kind} within ${Math.round(timeoutMs / 1000)} s`,
          { hint: 'it stays queued: the job’s owner (or the server that takes the job over) carries it out' },
        );
      }
      await this.waitForChange(POLL_MS);
    }
  }

  /** Answer the open requests of the jobs driven here (or of `only`). */
  async processRequests(only?: readonly string[]): Promise<void> {
    const ids = only ?? this.host.drivenJobs();
    if (ids.length === 0) return;
    for (const r of await this.o.store.openJobRequests(ids)) {
      if (this.host.isDriven(r.jobId)) await this.carryOut(r);
    }
  }

  /** Carry out a request and record the answer while holding the job (no other server can take it meanwhile). */
  private async carryOut(r: JobRequest): Promise<void> {
    const release = this.host.hold(r.jobId);
    try {
      let error: { code: string; message: string; hint?: string } | null = null;
      try {
        await this.host.actLocal(r.jobId, checkAction(r.action), r.by);
      } catch (e: unknown) {
        if (!isPogoError(e)) throw e;
        error = { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
      }
      await this.o.store.finishJobRequest(r.id, error, this.o.now());
    } finally {
      release();
    }
  }

  private onChange(c: StoreChange): void {
    if (this.stopped) return;
    if (c.topic === 'events') {
      if (c.jobId !== undefined && !this.host.isDriven(c.jobId)) this.host.eventsStored(c.jobId);
      return;
    }
    if (c.topic === 'resync') this.host.refreshRemoteEvents();
    this.wakeWaiters();
    if (!this.o.deciding) return;
    if (c.topic === 'request' || c.topic === 'resync') this.queueRequests();
    if (c.topic === 'request' && c.jobId !== undefined && !this.host.isDriven(c.jobId)) {
      this.host
        .serveRequests(c.jobId)
        .catch((e: unknown) =>
          this.o.log.warn({ err: e, job: c.jobId }, 'cannot take up the job to answer its request'),
        );
    }
    if (c.topic === 'job' || c.topic === 'resync') this.scheduleScan(0);
  }

  private queueRequests(): void {
    if (this.requestsQueued || this.stopped) return;
    this.requestsQueued = true;
    setImmediate(() => {
      this.requestsQueued = false;
      this.processRequests().catch((e: unknown) =>
        this.o.log.warn({ err: e }, 'cannot read the requests for this server’s jobs'),
      );
    });
  }

  private scheduleScan(delayMs: number): void {
    if (this.stopped) return;
    if (this.scanning) {
      this.scanAgain = true;
      return;
    }
    clearTimeout(this.scanTimer);
    this.scanTimer = setTimeout(() => void this.scan(), Math.max(0, delayMs));
    this.scanTimer.unref();
  }

  /**
   * Take up every active job whose lease is free or expired, when its namespace is free or ours; then sleep
   * until the earliest lease held elsewhere could expire (so a dead server's jobs move on at once).
   */
  private async scan(): Promise<void> {
    this.scanning = true;
    const every = Math.max(1000, this.o.leaseTtlMs / 3);
    let next = every;
    try {
      const now = this.o.now();
      for (const l of await this.o.store.activeLeases()) {
        if (this.stopped) return;
        if (this.host.isDriven(l.jobId)) continue;
        const free = l.owner === null || l.expiresAt === null || l.expiresAt <= now;
        if (!free) {
          next = Math.min(next, (l.expiresAt ?? now) - now + 50);
          continue;
        }
        const fresh = l.state === 'pending' && l.owner === null && now - l.createdAt < SUBMITTER_FIRST_MS;
        if (fresh && !this.owns(l.namespace)) {
          next = Math.min(next, l.createdAt + SUBMITTER_FIRST_MS - now + 50);
          continue;
        }
        try {
          await this.host.takeUp(l.jobId);
        } catch (e: unknown) {
          this.o.log.error({ err: e, job: l.jobId }, 'cannot take up job');
        }
      }
    } catch (e: unknown) {
      this.o.log.warn({ err: e }, 'cannot scan for jobs to take up; trying again');
    } finally {
      this.scanning = false;
    }
    if (this.scanAgain) {
      this.scanAgain = false;
      next = 0;
    }
    this.scheduleScan(next);
  }

  private wakeWaiters(): void {
    for (const w of [...this.waiters]) w();
  }

  private waitForChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        this.waiters.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }
}

function answer(r: JobRequest): void {
  if (r.error === null) return;
  const known = (ERROR_CODES as readonly string[]).includes(r.error.code);
  const code = (known ? r.error.code : 'INTERNAL') as ErrorCode;
  throw new PogoError(code, r.error.message, r.error.hint ? { hint: r.error.hint } : {});
}
