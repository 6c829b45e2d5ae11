// The carrier's side of the relay: tasks of jobs other servers drive, run by this server's workers for them.
import type { RelayKey, RelayResult, RelayTask, Store } from '../store/index.ts';
import type { CancelMessage, ResultMessage, TaskKey } from '../worker/index.ts';
import { hostFieldsOf, toWireSpec } from './job-driver.ts';
import type { Logger } from './logger.ts';
import type { DispatcherMetrics } from './metrics.ts';
import type { ProgressWriter } from './progress-writer.ts';
import type { TaskBoard, TaskRef, WorkerSlot } from './task-board.ts';
import type { TaskSource } from './task-delivery.ts';

/** What the carrier needs of its dispatcher. */
export interface RelayCarrierHost {
  isDriven(jobId: string): boolean;
  /** The carrier claimed an offer of a job driven here for worker `w` (its ref is on the relay). */
  claimedOwn(ref: TaskRef, w: WorkerSlot): void;
  /** Send a committed task to its worker, if connected. */
  trySend(ref: TaskRef): void;
  /** Tell the worker running `ref` to stop it. */
  sendCancel(ref: TaskRef, reason: CancelMessage['reason']): void;
  /** Start the grace period of a worker known only from the store. */
  armGrace(w: WorkerSlot): void;
  schedulePump(): void;
}

export interface RelayCarrierOptions {
  readonly store: Store;
  readonly board: TaskBoard;
  readonly writer: ProgressWriter;
  /** This server's name: the claimant of its rows. */
  readonly name: string;
  readonly log: Logger;
  readonly now: () => number;
  readonly metrics: DispatcherMetrics;
}

/** What a carried task's messages need of its job (read once per job from the store). */
interface CarriedJob extends TaskSource {
  readonly outputCapBytes: number;
  tasks: number;
}

/** The output cap of a carried task whose job could not be read (the default per-host cap). */
const DEFAULT_OUTPUT_CAP = 1024 * 1024;

const CANCEL_REASONS: readonly string[] = ['killed', 'timeout', 'shutdown'];

const relayKey = (k: TaskKey): RelayKey => ({ jobId: k.job, host: k.host, attempt: k.attempt });

/**
 * Claims offers for the room its workers have left after this server's own jobs (the pump's leftover),
 * sends each claimed task once its claim is durable, stores results and output for the job's owner, and
 * gives back what it cannot run (a refusal, a worker gone before the task went out). A task a worker
 * reports in its hello for a job another server drives is adopted: its result then goes through here.
 */
export class RelayCarrier {
  private readonly jobs = new Map<string, CarriedJob>();
  private readonly cancelled = new Set<string>();
  private claiming = false;
  private checking = false;
  /** Whether the store may hold offers: set by notifications, own offers and the poll; cleared by a short claim. */
  private offersMaybe = true;
  private stopped = false;

  constructor(
    private readonly o: RelayCarrierOptions,
    private readonly host: RelayCarrierHost,
  ) {}

  /** Tasks may have been offered (or released): the next pump with room claims. */
  offersChanged(): void {
    this.offersMaybe = true;
  }

  /** The job's task template, for a task carried here. */
  jobOf(jobId: string): TaskSource | undefined {
    return this.jobs.get(jobId);
  }

  outputCapOf(jobId: string): number {
    return this.jobs.get(jobId)?.outputCapBytes ?? DEFAULT_OUTPUT_CAP;
  }

  /** Claim offers for the free room of the workers here (what this server's own jobs left). */
  claim(): void {
    if (this.claiming || !this.offersMaybe || this.stopped) return;
    const slots = this.o.board.freeSlots();
    if (slots.length === 0) return;
    this.offersMaybe = false;
    this.claiming = true;
    const room = slots.reduce((n, s) => n + s.free, 0);
    for (const s of slots) s.worker.reserved += s.free;
    const unreserve = (): void => {
      for (const s of slots) s.worker.reserved = Math.max(0, s.worker.reserved - s.free);
    };
    this.o.store
      .claimRelayTasks(
        this.o.name,
        slots.map((s) => ({ worker: s.worker.instance, free: s.free })),
        this.o.now(),
      )
      .then(
        async (rows) => {
          unreserve();
          if (rows.length === room) this.offersMaybe = true;
          await this.take(rows);
        },
        (e: unknown) => {
          unreserve();
          this.offersMaybe = true;
          this.o.log.warn({ err: e }, 'cannot claim relayed tasks; trying again');
        },
      )
      .finally(() => {
        this.claiming = false;
        this.host.schedulePump();
      });
  }

  /** Take claimed rows: an offer of a job driven here runs here directly; another server's is carried. */
  private async take(rows: readonly RelayTask[]): Promise<void> {
    const back: RelayTask[] = [];
    const foreign: RelayTask[] = [];
    for (const row of rows) {
      const w = row.worker === null ? undefined : this.o.board.worker(row.worker);
      if (!this.host.isDriven(row.jobId)) {
        foreign.push(row);
        continue;
      }
      const ref = this.o.board.task({ job: row.jobId, host: row.host, attempt: row.attempt });
      if (ref?.relay === 'offered' && w) this.host.claimedOwn(ref, w);
      else back.push(row);
    }
    await this.loadJobs(foreign.map((r) => r.jobId));
    for (const row of foreign) {
      const w = row.worker === null ? undefined : this.o.board.worker(row.worker);
      if (!w || !this.jobs.has(row.jobId) || this.stopped) {
        back.push(row);
        continue;
      }
      const ref = this.carry({ job: row.jobId, host: row.host, attempt: row.attempt }, w, false);
      this.host.trySend(ref);
    }
    this.giveBack(back);
  }

  /**
   * Worker `w` holds these tasks of jobs another server drives (its link moved here): carry them, so their
   * output and results reach the owner through the store.
   */
  async adopt(w: WorkerSlot, keys: readonly TaskKey[]): Promise<void> {
    if (keys.length === 0) return;
    const got = await this.o.store.adoptRelayTasks(this.o.name, w.instance, keys.map(relayKey), this.o.now());
    await this.loadJobs(got.map((k) => k.jobId));
    for (const k of got) this.carry({ job: k.jobId, host: k.host, attempt: k.attempt }, w, true);
    if (got.length > 0)
      this.o.log.info({ worker: w.name, tasks: got.length }, 'tasks of other servers’ jobs taken over');
  }

  /** A worker's result of a carried task: stored for the owner (acknowledge once committed). */
  result(ref: TaskRef, m: ResultMessage): void {
    this.drop(ref);
    const result: RelayResult = {
      outcome: m.outcome,
      exitCode: m.exitCode,
      signal: m.signal,
      message: m.message,
      ...(m.errorCode !== undefined ? { errorCode: m.errorCode } : {}),
      startedAt: m.startedAt,
      endedAt: m.endedAt,
      truncated: m.truncated,
    };
    this.o.writer.addRelayResult({ ...relayKey(ref), result });
  }

  /** The worker will not run it: back to the offers, for any server. */
  refused(ref: TaskRef): void {
    this.drop(ref);
    this.giveBack([relayKey(ref)]);
  }

  /** The worker did not come back in time: a task it had is `lost` for the owner; one it never got goes back. */
  gone(ref: TaskRef, why: string): void {
    this.drop(ref);
    if (!ref.sent) return this.giveBack([relayKey(ref)]);
    const now = this.o.now();
    this.o.writer.addRelayResult({
      ...relayKey(ref),
      result: {
        outcome: 'lost',
        exitCode: null,
        signal: null,
        message: `lost: ${why}`,
        endedAt: now,
        truncated: false,
      },
    });
  }

  /** Tell workers to stop the carried tasks their owners cancelled (halt --kill). */
  checkCancels(): void {
    if (this.checking || this.stopped || !this.o.board.all().some((w) => this.carriedOn(w) > 0)) return;
    this.checking = true;
    this.o.store
      .carriedRelayTasks(this.o.name)
      .then(
        (rows) => {
          for (const row of rows) {
            if (row.cancel === null) continue;
            const ref = this.o.board.task({ job: row.jobId, host: row.host, attempt: row.attempt });
            if (!ref?.carried || !ref.sent || this.cancelled.has(ref.key)) continue;
            this.cancelled.add(ref.key);
            const reason = CANCEL_REASONS.includes(row.cancel) ? row.cancel : 'killed';
            this.host.sendCancel(ref, reason as CancelMessage['reason']);
          }
        },
        (e: unknown) => this.o.log.warn({ err: e }, 'cannot read cancels of relayed tasks'),
      )
      .finally(() => (this.checking = false));
  }

  /** After a restart: the tasks this server carried wait for their workers to come back (grace period). */
  async restore(): Promise<void> {
    const rows = (await this.o.store.carriedRelayTasks(this.o.name)).filter((r) => r.result === null);
    await this.loadJobs(rows.map((r) => r.jobId));
    const now = this.o.now();
    const absent = new Set<WorkerSlot>();
    for (const row of rows) {
      if (row.worker === null || this.host.isDriven(row.jobId)) continue;
      const w = this.o.board.worker(row.worker) ?? this.o.board.absent(row.worker, now);
      this.carry({ job: row.jobId, host: row.host, attempt: row.attempt }, w, true);
      if (!w.channel) absent.add(w);
    }
    for (const w of absent) this.host.armGrace(w);
  }

  /** Stop claiming; give back claims that never reached a worker. */
  async stop(): Promise<void> {
    this.stopped = true;
    const unsent = this.o.board
      .all()
      .flatMap((w) => this.o.board.tasksOf(w.instance))
      .filter((r) => r.carried && !r.sent);
    if (unsent.length > 0)
      await this.o.store.releaseRelayTasks(this.o.name, unsent.map(relayKey)).catch(() => undefined);
  }

  private carry(key: TaskKey, w: WorkerSlot, sent: boolean): TaskRef {
    const existing = this.o.board.task(key);
    if (existing) this.o.board.remove(existing);
    const ref = this.o.board.assign(key, w, sent);
    ref.carried = true;
    ref.committed = true;
    const job = this.jobs.get(key.job);
    if (job) job.tasks++;
    this.o.metrics.relayCarried++;
    return ref;
  }

  private drop(ref: TaskRef): void {
    this.o.board.remove(ref);
    this.cancelled.delete(ref.key);
    const job = this.jobs.get(ref.job);
    if (job && --job.tasks <= 0) this.jobs.delete(ref.job);
  }

  private giveBack(keys: readonly RelayKey[]): void {
    if (keys.length === 0) return;
    this.o.store
      .releaseRelayTasks(this.o.name, keys)
      .catch((e: unknown) => this.o.log.warn({ err: e }, 'cannot give relayed tasks back'));
  }

  private async loadJobs(ids: readonly string[]): Promise<void> {
    for (const id of new Set(ids)) {
      if (this.jobs.has(id)) continue;
      try {
        const record = await this.o.store.getJob(id);
        this.jobs.set(id, {
          namespace: record.namespace,
          spec: toWireSpec(record.options.task),
          hostFields: (host) => hostFieldsOf(record.options, host),
          outputCapBytes: record.options.task.outputCapBytes,
          tasks: 0,
        });
      } catch (e: unknown) {
        this.o.log.warn({ err: e, job: id }, 'cannot read a relayed task’s job');
      }
    }
  }

  private carriedOn(w: WorkerSlot): number {
    let n = 0;
    for (const ref of this.o.board.tasksOf(w.instance)) if (ref.carried) n++;
    return n;
  }
}
