// The owner's side of the relay: tasks of its jobs that other servers' workers run, from offer to result.
import type { HostOutcome } from '../model/index.ts';
import type { RelayKey, RelayResult, RelayTask, Store } from '../store/index.ts';
import type { HostDetail, JobDriver, StartedHost } from './job-driver.ts';
import type { Logger } from './logger.ts';
import type { DispatcherMetrics } from './metrics.ts';
import type { ProgressWriter } from './progress-writer.ts';
import type { ServerBeats } from './server-beats.ts';
import type { TaskBoard, TaskRef, WorkerSlot } from './task-board.ts';
import { lostDetail } from './task-delivery.ts';

/** What the outbox needs of its dispatcher. */
export interface RelayOutboxHost {
  driver(jobId: string): JobDriver | undefined;
  /** A host ended: engine, rows, next hosts. */
  endHost(d: JobDriver, host: string, outcome: HostOutcome, detail: HostDetail): void;
  /** Send a task whose running row is durable to its worker here. */
  trySend(ref: TaskRef): void;
}

export interface RelayOutboxOptions {
  readonly store: Store;
  readonly board: TaskBoard;
  readonly writer: ProgressWriter;
  readonly beats: ServerBeats;
  /** This server's name (rows it claimed itself are its carrier's business). */
  readonly name: string;
  /** How long a carrier that stopped beating may take to come back (or its worker to move) before its tasks are `lost`. */
  readonly graceMs: number;
  readonly log: Logger;
  readonly now: () => number;
  readonly metrics: DispatcherMetrics;
}

const keyOf = (ref: TaskRef): RelayKey => ({ jobId: ref.job, host: ref.host, attempt: ref.attempt });

/**
 * Offers are written with their hosts' `running` rows; any server with a free worker claims them; the
 * carrier stores the worker's result in the row, which the owner turns into the host's outcome (and deletes
 * the row in the same commit). A carrier that stops beating for the grace period leaves its tasks `lost`,
 * unless their workers took them to another server meanwhile (which adopts them). Nothing here sends a
 * task: a claim is exclusive, so each offered task reaches one worker.
 */
export class RelayOutbox {
  private syncing = false;
  private pending = new Set<string>();
  private syncAll = false;

  constructor(
    private readonly o: RelayOutboxOptions,
    private readonly host: RelayOutboxHost,
  ) {}

  /** Offers no server has claimed yet (for the heartbeat and the relay room). */
  unclaimed(): number {
    let n = 0;
    for (const ref of this.o.board.relayTasks()) if (ref.relay === 'offered') n++;
    return n;
  }

  /** Offer hosts the rollout just started that no worker here has room for. */
  offer(d: JobDriver, started: readonly StartedHost[]): TaskRef[] {
    const now = this.o.now();
    const refs = started.map(({ host, attempt }) => {
      this.o.writer.addRelayOffer({ jobId: d.id, host, attempt, offeredAt: now });
      return this.o.board.assignRelay({ job: d.id, host, attempt });
    });
    this.o.metrics.relayOffered += refs.length;
    this.o.writer.afterCommit((err) => {
      if (err === undefined) for (const ref of refs) ref.committed = true;
    });
    return refs;
  }

  /** This server's carrier claimed one of its own offers for worker `w`: it runs here, directly. */
  placeClaimed(ref: TaskRef, w: WorkerSlot): void {
    this.o.board.toDirect(ref, w, false);
    this.o.writer.updateHost({ jobId: ref.job, host: ref.host, worker: w.instance });
    this.o.writer.addRelayDone(keyOf(ref));
    this.o.writer.afterCommit((err) => {
      if (err !== undefined) return;
      ref.committed = true;
      this.host.trySend(ref);
    });
  }

  /** A worker here says it holds a task the relay had (its link moved here): it is this server's again. */
  reclaim(ref: TaskRef, w: WorkerSlot): void {
    this.o.board.toDirect(ref, w, true);
    this.o.writer.updateHost({ jobId: ref.job, host: ref.host, worker: w.instance });
    this.o.writer.addRelayDone(keyOf(ref));
  }

  /** Ask the carrier of a claimed task to stop it (an offer not yet claimed has not started anywhere). */
  cancel(ref: TaskRef, reason: string): void {
    if (ref.relay !== 'claimed') return;
    this.o.store
      .cancelRelayTasks([keyOf(ref)], reason)
      .catch((e: unknown) => this.o.log.warn({ err: e, job: ref.job, host: ref.host }, 'cancel not relayed'));
  }

  /** Read the relay rows of `jobIds` (or of every job with a task on the relay or on an absent worker) and apply them. */
  sync(jobIds?: readonly string[]): void {
    if (jobIds === undefined) this.syncAll = true;
    else for (const id of jobIds) this.pending.add(id);
    if (this.syncing) return;
    const ids = this.syncAll ? this.watchedJobs() : [...this.pending];
    this.syncAll = false;
    this.pending = new Set();
    const live = ids.filter((id) => this.host.driver(id) !== undefined);
    if (live.length === 0) return;
    this.syncing = true;
    this.o.store
      .relayTasksOf(live)
      .then(
        (rows) => {
          const now = this.o.now();
          for (const id of live) {
            const d = this.host.driver(id);
            if (d)
              this.apply(
                d,
                rows.filter((r) => r.jobId === id),
                now,
              );
          }
        },
        (e: unknown) => this.o.log.warn({ err: e }, 'cannot read the relayed tasks; trying again'),
      )
      .finally(() => {
        this.syncing = false;
        if (this.syncAll || this.pending.size > 0) this.sync([]);
      });
  }

  /**
   * Bring the board in line with the job's relay rows: offers and claims become relay tasks (after a
   * takeover), a result becomes the host's outcome, a row of a host no longer running at that attempt is
   * deleted, a task whose worker moved to another server is that server's, one whose carrier stopped beating
   * for the grace period is `lost`.
   */
  apply(d: JobDriver, rows: readonly RelayTask[], now: number): void {
    const board = this.o.board;
    for (const row of rows) {
      const done = (): void => this.o.writer.addRelayDone(row);
      const running = d.rollout.hostState(row.host) === 'running' && d.attemptOf(row.host) === row.attempt;
      if (!running) {
        done();
        continue;
      }
      let ref = board.task({ job: row.jobId, host: row.host, attempt: row.attempt });
      if (ref && !ref.relay) {
        const w = board.worker(ref.worker);
        if (ref.carried && w) {
          // This server carried it for the job's previous owner: it is a task of its own now.
          board.toDirect(ref, w, ref.sent);
          done();
          continue;
        }
        // On a worker here that is connected: the row is a carrier's stale claim.
        if (w?.channel || row.claimedBy === null || row.claimedBy === this.o.name) {
          done();
          continue;
        }
        board.toRelay(ref, 'claimed', row.claimedBy);
      }
      if (!ref) {
        ref = board.assignRelay({ job: row.jobId, host: row.host, attempt: row.attempt });
        ref.committed = true;
      }
      const carrier = row.claimedBy !== this.o.name ? row.claimedBy : null;
      if (carrier !== null && (ref.relay !== 'claimed' || ref.carrier !== carrier)) {
        board.toRelay(ref, 'claimed', carrier);
        if (row.worker !== null)
          this.o.writer.updateHost({ jobId: d.id, host: row.host, worker: row.worker });
      }
      if (row.result !== null) {
        board.remove(ref);
        this.o.metrics.finished(row.result.outcome, durationOf(row.result));
        this.host.endHost(d, row.host, row.result.outcome, row.result);
        done();
        continue;
      }
      if (carrier === null) continue;
      const gone = this.o.beats.goneSince(carrier, now);
      if (gone !== undefined && now - gone >= this.o.graceMs) {
        board.remove(ref);
        this.o.metrics.finished('lost', undefined);
        const secs = Math.round((now - gone) / 1000);
        this.host.endHost(
          d,
          row.host,
          'lost',
          lostDetail(now, `server ${carrier}, whose worker ran it, stopped ${secs}s ago`),
        );
        done();
      }
    }
  }

  /** Jobs to check on the poll: those with a task on the relay, or on a worker that went away. */
  private watchedJobs(): string[] {
    const ids = new Set(this.o.board.relayTasks().map((r) => r.job));
    for (const w of this.o.board.all()) {
      if (w.channel) continue;
      for (const ref of this.o.board.tasksOf(w.instance)) if (!ref.carried) ids.add(ref.job);
    }
    return [...ids];
  }
}

function durationOf(r: RelayResult): number | undefined {
  return r.startedAt === undefined ? undefined : (r.endedAt - r.startedAt) / 1000;
}
