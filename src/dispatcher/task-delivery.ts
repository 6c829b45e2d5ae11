// Getting tasks to workers: placing, sending once the running row is stored, re-placing, cancelling, and giving up on absent workers.
import type { HostOutcome } from '../model/index.ts';
import type { CancelMessage, RefuseMessage, TaskMessage } from '../worker/index.ts';
import type { HostDetail, JobDriver } from './job-driver.ts';
import type { Logger } from './logger.ts';
import type { DispatcherMetrics } from './metrics.ts';
import type { ProgressWriter } from './progress-writer.ts';
import type { TaskRef, WorkerFilter, WorkerSlot } from './task-board.ts';
import { TaskBoard } from './task-board.ts';
import type { WorkerChannel } from './worker-channel.ts';

/** What a task message of a job carries besides its key. */
export interface TaskSource {
  readonly namespace: string;
  readonly spec: TaskMessage['spec'];
  /** The host's connection settings (an inventory's ansible_host, _port, _user), when it has any. */
  hostFields(host: string): Pick<TaskMessage, 'connect'>;
}

/** What task delivery needs from the dispatcher. */
export interface DeliveryHost {
  driver(jobId: string): JobDriver | undefined;
  /** A host ended (here: `lost`): engine, rows, next hosts. */
  endHost(d: JobDriver, host: string, outcome: HostOutcome, detail: HostDetail): void;
  /** Write a driver's new events and row changes. */
  settle(d: JobDriver): void;
  schedulePump(): void;
  /** Which workers may run the job's tasks (all, or those its envelope was sealed to). */
  workersFor(jobId: string): WorkerFilter;
  /** The envelope box (JSON) for a task of a sealed job on worker `w`; undefined for unsealed jobs. */
  envelopeFor(jobId: string, w: WorkerSlot): string | undefined;
  /** What a task message of the job carries: a job driven here, or one whose tasks are carried here. */
  jobOf(jobId: string): TaskSource | undefined;
  /** A carried task (another server's job) that a worker here refused: back to the relay. */
  carriedRefused(ref: TaskRef): void;
  /** A carried task whose worker did not come back: `lost` for its owner (or back to the relay if never sent). */
  carriedGone(ref: TaskRef, why: string): void;
  /** Ask the carrier of a relayed task of a job driven here to stop it. */
  cancelRelayed(ref: TaskRef, reason: CancelMessage['reason']): void;
}

export interface TaskDeliveryOptions {
  readonly writer: ProgressWriter;
  readonly now: () => number;
  readonly graceMs: number;
  readonly log: Logger;
  readonly metrics: DispatcherMetrics;
}

/**
 * Owns the task board. A task goes out only once its running row is committed; a task that never reached
 * a worker (refused, or its worker went away before it was sent) waits unplaced and goes to the next
 * worker with room; a worker that stays away past the grace period leaves what it ran `lost`.
 */
export class TaskDelivery {
  readonly board = new TaskBoard();
  /** Tasks that never started and wait for a worker with room. */
  private readonly unplaced: { ref: TaskRef; reason: string }[] = [];

  constructor(
    private readonly host: DeliveryHost,
    private readonly o: TaskDeliveryOptions,
  ) {}

  /**
   * Close every worker link and forget all tasks and workers: after a store failure the dispatcher
   * reloads its jobs from the store, and the workers reconnect and report what they hold.
   */
  reset(reason: string): void {
    for (const w of this.board.all()) w.channel?.close(reason);
    this.board.clear();
    this.unplaced.splice(0);
  }

  /** Stop every grace timer (shutdown). */
  stopTimers(): void {
    for (const w of this.board.all()) clearTimeout(w.graceTimer);
  }

  /** The worker will not run a task (stopping, or full): it waits for another worker. */
  refuse(channel: WorkerChannel, m: RefuseMessage): void {
    const w = this.board.worker(channel.instance);
    // A stopping worker takes nothing more; a full one (our count was off) takes nothing until a result.
    if (w) w.capacity = m.reason === 'stopping' ? 0 : Math.max(0, w.tasks.size - 1);
    const ref = this.board.task(m);
    if (!ref || ref.worker !== channel.instance) return;
    if (ref.carried) return this.host.carriedRefused(ref);
    this.board.unassign(ref);
    this.unplaced.push({ ref, reason: `worker ${channel.name} refused it (${m.reason})` });
    this.host.schedulePump();
  }

  /** Hand tasks that never started to workers with room, oldest first; the rest keep waiting. */
  placeUnplaced(): void {
    const waiting = this.unplaced.splice(0);
    for (const [i, item] of waiting.entries()) {
      if (this.board.freeCapacity() === 0) {
        this.unplaced.push(...waiting.slice(i));
        return;
      }
      const { ref, reason } = item;
      if (this.board.task(ref) !== ref) continue; // ended meanwhile (job killed, lost)
      // A sealed job's task may only go to a worker its envelope was sealed to; it waits for one.
      const w = this.board.pick(this.host.workersFor(ref.job));
      if (!w) {
        this.unplaced.push(item);
        continue;
      }
      this.board.move(ref, w);
      this.requeue(ref, reason);
    }
  }

  /** Send a task whose running row is committed to its worker, if connected. */
  trySend(ref: TaskRef): void {
    if (ref.sent || !ref.committed) return;
    const w = this.board.worker(ref.worker);
    const job = this.host.jobOf(ref.job);
    if (!w?.channel || !job || this.board.task(ref) !== ref) return;
    const envelope = ref.carried ? undefined : this.host.envelopeFor(ref.job, w);
    if (this.host.driver(ref.job)?.sealed === true && envelope === undefined) {
      // The worker has no box of this job's envelope (it reconnected with another certificate): elsewhere.
      this.board.unassign(ref);
      this.unplaced.push({ ref, reason: `worker ${w.name} cannot open this job's password envelope` });
      return this.host.schedulePump();
    }
    ref.sent = true;
    w.channel.send({
      type: 'task',
      job: ref.job,
      host: ref.host,
      attempt: ref.attempt,
      namespace: job.namespace,
      spec: job.spec,
      ...job.hostFields(ref.host),
      ...(envelope !== undefined ? { envelope } : {}),
    });
  }

  /** Hand a task that never reached its worker out again (it did not run: safe to send once more). */
  requeue(ref: TaskRef, reason: string): void {
    const d = this.host.driver(ref.job);
    if (!d) return;
    ref.sent = false;
    ref.committed = false;
    d.note({ type: 'host:requeued', t: this.o.now(), host: ref.host, reason });
    this.o.writer.updateHost({ jobId: ref.job, host: ref.host, worker: ref.worker });
    this.host.settle(d);
    this.o.writer.afterCommit((err) => {
      if (err !== undefined) return;
      ref.committed = true;
      this.trySend(ref);
    });
  }

  cancel(ref: TaskRef, reason: CancelMessage['reason']): void {
    if (ref.relay !== undefined) return this.host.cancelRelayed(ref, reason);
    const w = this.board.worker(ref.worker);
    if (ref.sent && w?.channel) {
      w.channel.send({ type: 'cancel', job: ref.job, host: ref.host, attempt: ref.attempt, reason });
    }
  }

  /** The worker stopped holding nothing: every task still on it never ran there, and goes elsewhere. */
  returnAll(w: WorkerSlot, reason: string): void {
    for (const ref of this.board.tasksOf(w.instance)) {
      if (ref.carried) {
        this.host.carriedRefused(ref);
        continue;
      }
      this.board.unassign(ref);
      if (this.host.driver(ref.job)) this.unplaced.push({ ref, reason });
      else this.board.remove(ref);
    }
    this.board.drop(w.instance);
    this.host.schedulePump();
  }

  armGrace(w: WorkerSlot): void {
    clearTimeout(w.graceTimer);
    w.graceTimer = setTimeout(() => this.expire(w.instance), this.o.graceMs);
  }

  /** A worker did not come back in time: what it ran is `lost` (never re-run); what it never got goes elsewhere. */
  private expire(instance: string): void {
    const w = this.board.worker(instance);
    if (!w || w.channel) return;
    const now = this.o.now();
    for (const ref of this.board.tasksOf(instance)) {
      if (ref.carried) {
        this.host.carriedGone(
          ref,
          `worker ${w.name} did not come back within ${Math.round(this.o.graceMs / 1000)}s`,
        );
        continue;
      }
      const d = this.host.driver(ref.job);
      if (!ref.sent && d) {
        // It never left this dispatcher: it did not run; it waits for another worker.
        this.board.unassign(ref);
        this.unplaced.push({ ref, reason: `worker ${w.name} is gone; it never got the task` });
        this.host.schedulePump();
        continue;
      }
      this.board.remove(ref);
      if (d && d.rollout.hostState(ref.host) === 'running' && d.attemptOf(ref.host) === ref.attempt) {
        const secs = Math.round(this.o.graceMs / 1000);
        this.o.metrics.finished('lost', undefined);
        this.host.endHost(
          d,
          ref.host,
          'lost',
          lostDetail(now, `worker ${w.name} did not come back within ${secs}s`),
        );
      }
    }
    this.board.drop(instance);
    this.o.log.warn({ worker: w.name, instance }, 'worker gone: its running hosts are lost');
  }
}

/** The detail of a host given up as `lost`. */
export function lostDetail(now: number, why: string): HostDetail {
  return { exitCode: null, signal: null, message: `lost: ${why}`, endedAt: now, truncated: false };
}
