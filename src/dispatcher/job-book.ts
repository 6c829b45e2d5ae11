// The jobs a dispatcher drives: their drivers, the writes each change implies, job deadlines, and giving jobs up.
import type { EventRecord, HostOutcome } from '../model/index.ts';
import { isTerminalJobState } from '../model/index.ts';
import type { Store } from '../store/index.ts';
import type { EnvelopeKeeper } from './envelope-keeper.ts';
import type { EventHub } from './event-hub.ts';
import type { HostDetail, JobDriver } from './job-driver.ts';
import type { Logger } from './logger.ts';
import type { ProgressWriter } from './progress-writer.ts';
import type { TaskBoard, WorkerSlot } from './task-board.ts';

/** What the book needs of its dispatcher. */
export interface JobBookHost {
  schedulePump(): void;
  /** A commit failed: the dispatcher stops deciding until the store answers. */
  onStoreFailure(err: unknown): void;
  /** Whether an operator's action on the job is being answered (it is not given up meanwhile). */
  isHeld(jobId: string): boolean;
  /** The job's task was dropped: forget its output count. */
  forgetOutput(taskKey: string): void;
  /** Events of a job driven here were committed (and published to subscribers). */
  published(d: JobDriver, events: readonly EventRecord[]): void;
}

export interface JobBookOptions {
  readonly store: Store;
  /** This server's name: the lease owner. */
  readonly name: string;
  readonly writer: ProgressWriter;
  readonly hub: EventHub;
  readonly board: TaskBoard;
  readonly envelopes: EnvelopeKeeper;
  readonly log: Logger;
  readonly now: () => number;
}

/**
 * Every change of a driven job goes through `settle`: its events and rows are queued for the next commit,
 * published once committed, and a finished job is given up (its lease released) once nothing of it is out.
 */
export class JobBook {
  private readonly drivers = new Map<string, JobDriver>();
  private readonly deadlines = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly o: JobBookOptions,
    private readonly host: JobBookHost,
  ) {}

  /** The live drivers by job id (adoption adds to it). */
  get live(): Map<string, JobDriver> {
    return this.drivers;
  }

  get(jobId: string): JobDriver | undefined {
    return this.drivers.get(jobId);
  }

  has(jobId: string): boolean {
    return this.drivers.has(jobId);
  }

  get size(): number {
    return this.drivers.size;
  }

  all(): JobDriver[] {
    return [...this.drivers.values()];
  }

  add(d: JobDriver): void {
    this.drivers.set(d.id, d);
  }

  /** A host ended: tell the engine, write it, let the next hosts start. */
  endHost(d: JobDriver, host: string, outcome: HostOutcome, detail: HostDetail): void {
    d.finish(host, outcome, this.o.now(), detail);
    this.settle(d);
    this.host.schedulePump();
  }

  /** Write a driver's new events and row changes; publish them once committed; unload finished jobs. */
  settle(d: JobDriver): void {
    // A host offered to the relay has no worker yet ('' on the board): null until a carrier claims it.
    d.drain((host) => this.o.board.task({ job: d.id, host, attempt: d.attemptOf(host) })?.worker || null);
    this.o.envelopes.parkIfGone(d, this.o.now());
    const events = d.takePending();
    this.armDeadline(d);
    const terminal = isTerminalJobState(d.rollout.jobStateNow);
    if (events.length === 0 && !terminal) return;
    this.o.writer.afterCommit((err) => {
      if (err !== undefined) return this.host.onStoreFailure(err);
      if (events.length > 0) {
        this.o.hub.publish(d.id, events);
        this.host.published(d, events);
      }
      this.unloadIfDone(d);
    });
  }

  /**
   * A finished job with no task out and no action being answered is given up (its lease released), once
   * its last rows are committed (they are written under its lease's epoch).
   */
  unloadIfDone(d: JobDriver): void {
    if (!isTerminalJobState(d.rollout.jobStateNow) || this.host.isHeld(d.id)) return;
    if (this.o.board.tasksOfJob(d.id).length > 0) return;
    if (this.o.writer.holds(d.id)) return this.o.writer.afterCommit(() => this.unloadIfDone(d));
    if (this.drivers.get(d.id) !== d) return;
    this.drop(d);
    void this.o.store.releaseLease(d.id, this.o.name, d.epoch).catch(() => undefined);
  }

  /** Another server drives the namespace now: forget its jobs here (their writes would be refused anyway). */
  forgetNamespace(namespace: string): void {
    for (const d of this.all()) {
      if (d.namespace !== namespace) continue;
      this.o.log.error({ job: d.id, namespace }, 'job dropped: another server drives its namespace now');
      this.forget(d);
    }
  }

  /** Stop driving `d` without writing anything (its lease is someone else's). */
  forget(d: JobDriver): void {
    this.drop(d);
    const holders = new Set<WorkerSlot>();
    for (const ref of this.o.board.tasksOfJob(d.id)) {
      this.host.forgetOutput(ref.key);
      const w = this.o.board.worker(ref.worker);
      if (ref.sent && w) holders.add(w);
      this.o.board.remove(ref);
    }
    // Their workers say what they hold in a new hello: the tasks are then carried here for the new owner.
    for (const w of holders)
      w.channel?.close(`job ${d.id} is driven by another server now: report the tasks held`);
  }

  /** Forget every job (the dispatcher takes them up again from the store). */
  clear(): void {
    this.stopTimers();
    this.deadlines.clear();
    this.drivers.clear();
  }

  stopTimers(): void {
    for (const t of this.deadlines.values()) clearTimeout(t);
  }

  private drop(d: JobDriver): void {
    this.drivers.delete(d.id);
    this.o.envelopes.drop(d.id);
    clearTimeout(this.deadlines.get(d.id));
    this.deadlines.delete(d.id);
  }

  /** The job's timeout halts it when it comes (a timer per job, re-armed on every change). */
  private armDeadline(d: JobDriver): void {
    const deadline = d.rollout.deadline;
    clearTimeout(this.deadlines.get(d.id));
    this.deadlines.delete(d.id);
    if (deadline === undefined || d.rollout.jobStateNow !== 'running' || d.rollout.draining) return;
    const t = setTimeout(
      () => {
        this.deadlines.delete(d.id);
        d.rollout.tick(Math.max(this.o.now(), deadline));
        this.settle(d);
        this.host.schedulePump();
      },
      Math.max(0, deadline - this.o.now()),
    );
    this.deadlines.set(d.id, t);
  }
}
