// Group commit: the dispatcher's writes gathered for a few milliseconds and committed as one store transaction.
import type { EventRecord } from '../model/index.ts';
import type {
  HostUpdate,
  JobUpdate,
  OutputAppend,
  ProgressBatch,
  RelayKey,
  RelayOffer,
  RelayResultWrite,
  Store,
} from '../store/index.ts';

/** Called once the batch holding what was queued before it is durable (or failed: `error`). */
export type AfterCommit = (error?: unknown) => void;

export interface ProgressWriterOptions {
  readonly store: Store;
  /**
   * The lease epoch of a job driven here, for fencing; undefined for a job another server drives, of which
   * only output and relay results (tasks this server's workers run for it) may be written.
   */
  readonly epochOf: (jobId: string) => number | undefined;
  /** Longest a write waits for companions before it is committed (default 5 ms). */
  readonly delayMs?: number;
  /** Commit at once when this many rows are queued (default 20,000). */
  readonly maxRows?: number;
  /** Each commit's duration and size (for metrics). */
  readonly onCommit?: (ms: number, rows: number) => void;
}

/**
 * Collects job, host, event and output writes, merges updates to the same row, and commits them in one
 * `recordProgress` call: a state change across thousands of hosts is one fsync, not thousands. Callers
 * that must not act before their write is durable (handing a task to a worker, acking a result) pass an
 * `afterCommit` callback. One commit runs at a time; writes queued meanwhile go into the next.
 */
export class ProgressWriter {
  private jobs = new Map<string, JobUpdate>();
  private hosts = new Map<string, HostUpdate>();
  private events: EventRecord[] = [];
  private output: OutputAppend[] = [];
  private relayOffers: RelayOffer[] = [];
  private relayResults: RelayResultWrite[] = [];
  private relayDone: RelayKey[] = [];
  private callbacks: AfterCommit[] = [];
  private timer: NodeJS.Timeout | undefined;
  private committing: Promise<void> | undefined;
  private readonly delayMs: number;
  private readonly maxRows: number;
  /** After a failed commit the dispatcher suspends writing until it has reloaded from the store. */
  private suspended: Error | undefined;

  constructor(private readonly options: ProgressWriterOptions) {
    this.delayMs = options.delayMs ?? 5;
    this.maxRows = options.maxRows ?? 20_000;
  }

  /** Rows waiting for the next commit. */
  get queued(): number {
    return (
      this.jobs.size +
      this.hosts.size +
      this.events.length +
      this.output.length +
      this.relayOffers.length +
      this.relayResults.length +
      this.relayDone.length
    );
  }

  /** Whether rows of the job wait for the next commit (those a lease epoch fences). */
  holds(jobId: string): boolean {
    if (this.jobs.has(jobId)) return true;
    for (const h of this.hosts.values()) if (h.jobId === jobId) return true;
    const of = (rows: readonly { readonly jobId: string }[]): boolean => rows.some((r) => r.jobId === jobId);
    return of(this.events) || of(this.relayOffers) || of(this.relayDone);
  }

  /** Everything queued, as a batch (without epochs); the queue is empty afterwards. */
  private take(): Omit<ProgressBatch, 'epochs'> & { rows: number } {
    const rows = this.queued;
    const batch = {
      jobs: [...this.jobs.values()],
      hosts: [...this.hosts.values()],
      events: this.events,
      output: this.output,
      relayOffers: this.relayOffers,
      relayResults: this.relayResults,
      relayDone: this.relayDone,
      rows,
    };
    this.jobs = new Map();
    this.hosts = new Map();
    this.events = [];
    this.output = [];
    this.relayOffers = [];
    this.relayResults = [];
    this.relayDone = [];
    return batch;
  }

  /**
   * Drop what is queued and write nothing more until {@link resume}: after a failed commit, memory may be
   * ahead of the store, and committing later rows would leave gaps (events numbered after lost ones).
   * Callbacks waiting for a commit get `reason` as their error.
   */
  suspend(reason: Error): void {
    this.suspended = reason;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.take();
    const callbacks = this.callbacks;
    this.callbacks = [];
    for (const cb of callbacks) cb(reason);
  }

  /** Write again (the dispatcher has reloaded its jobs from the store). */
  resume(): void {
    this.suspended = undefined;
  }

  updateJob(u: JobUpdate): void {
    if (this.suspended) return;
    const prev = this.jobs.get(u.id);
    this.jobs.set(u.id, prev ? { ...prev, ...u } : u);
    this.schedule();
  }

  updateHost(u: HostUpdate): void {
    if (this.suspended) return;
    const key = `${u.jobId}\u0000${u.host}`;
    const prev = this.hosts.get(key);
    this.hosts.set(key, prev ? { ...prev, ...u } : u);
    this.schedule();
  }

  addEvent(e: EventRecord): void {
    if (this.suspended) return;
    this.events.push(e);
    this.schedule();
  }

  addOutput(o: OutputAppend): void {
    if (this.suspended) return;
    this.output.push(o);
    this.schedule();
  }

  /** Offer a task to other servers' workers (with its host's running row). */
  addRelayOffer(o: RelayOffer): void {
    if (this.suspended) return;
    this.relayOffers.push(o);
    this.schedule();
  }

  /** Store a relayed task's result for the job's owner (a task a worker here ran for another server). */
  addRelayResult(r: RelayResultWrite): void {
    if (this.suspended) return;
    this.relayResults.push(r);
    this.schedule();
  }

  /** The owner is done with a relay row. */
  addRelayDone(k: RelayKey): void {
    if (this.suspended) return;
    this.relayDone.push(k);
    this.schedule();
  }

  /** Run `cb` once everything queued so far is committed. */
  afterCommit(cb: AfterCommit): void {
    const suspended = this.suspended;
    if (suspended) return void queueMicrotask(() => cb(suspended));
    this.callbacks.push(cb);
    this.schedule();
  }

  /** Commit now and wait for it (and any commit already running). Rejects when the store refuses the batch. */
  async flush(): Promise<void> {
    while (this.committing) await this.committing.catch(() => undefined);
    if (this.suspended) throw this.suspended;
    if (this.queued === 0 && this.callbacks.length === 0) return;
    let failure: unknown;
    let failed = false;
    this.callbacks.push((e) => {
      if (e !== undefined) {
        failed = true;
        failure = e;
      }
    });
    await this.commit();
    if (failed) throw failure;
  }

  private schedule(): void {
    if (this.committing) return;
    if (this.queued >= this.maxRows) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.commit();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.commit();
    }, this.delayMs);
  }

  /**
   * The epoch of each job the batch writes about. A job with job, host, event or relay-offer rows is fenced
   * by its epoch (0 when no longer driven here: the store refuses it); one with only output and relay
   * results, not driven here, is written for its owner under no epoch.
   */
  private epochsOf(b: Omit<ProgressBatch, 'epochs'>): Map<string, number | null> {
    const epochs = new Map<string, number | null>();
    const fenced = [
      ...b.jobs.map((j) => j.id),
      ...b.hosts.map((h) => h.jobId),
      ...b.events.map((e) => e.jobId),
      ...(b.relayOffers ?? []).map((o) => o.jobId),
      ...(b.relayDone ?? []).map((k) => k.jobId),
    ];
    for (const id of fenced) if (!epochs.has(id)) epochs.set(id, this.options.epochOf(id) ?? 0);
    for (const { jobId } of [...b.output, ...(b.relayResults ?? [])])
      if (!epochs.has(jobId)) epochs.set(jobId, this.options.epochOf(jobId) ?? null);
    return epochs;
  }

  private commit(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const { rows, ...batch } = this.take();
    const callbacks = this.callbacks;
    this.callbacks = [];
    const epochs = this.epochsOf(batch);
    const started = performance.now();
    const run = async (): Promise<void> => {
      let error: unknown;
      try {
        if (rows > 0) await this.options.store.recordProgress({ epochs, ...batch });
        this.options.onCommit?.(performance.now() - started, rows);
      } catch (e: unknown) {
        error = e ?? new Error('commit failed');
      }
      for (const cb of callbacks) cb(error);
    };
    const p = run().finally(() => {
      this.committing = undefined;
      if (this.queued > 0 || this.callbacks.length > 0) this.schedule();
    });
    this.committing = p;
    return p;
  }
}
