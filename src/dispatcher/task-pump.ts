// The pump: after any change, ask every running job in turn for hosts to start within the room there is.
import type { EnvelopeKeeper } from './envelope-keeper.ts';
import type { JobBook } from './job-book.ts';
import type { JobDriver } from './job-driver.ts';
import type { DispatcherMetrics } from './metrics.ts';
import type { ProgressWriter } from './progress-writer.ts';
import type { Relay } from './relay.ts';
import type { TaskRef, WorkerFilter, WorkerSlot } from './task-board.ts';
import type { TaskDelivery } from './task-delivery.ts';

export interface TaskPumpOptions {
  readonly book: JobBook;
  readonly delivery: TaskDelivery;
  readonly writer: ProgressWriter;
  readonly envelopes: EnvelopeKeeper;
  readonly metrics: DispatcherMetrics;
  readonly now: () => number;
  /** Whether hosts may start now (ready, not stopping, not recovering from a failed write). */
  readonly active: () => boolean;
  /** Several servers on one store: room beyond this server's workers, and its leftover claims others' offers. */
  readonly relay: () => Relay | undefined;
  readonly onStoreFailure: (err: unknown) => void;
}

/** Runs at most once per turn of the event loop however often it is asked; jobs take turns (round robin). */
export class TaskPump {
  private queued = false;
  private stopped = false;
  private rr = 0;

  constructor(private readonly o: TaskPumpOptions) {}

  schedule(): void {
    if (this.queued || this.stopped) return;
    this.queued = true;
    setImmediate(() => {
      this.queued = false;
      this.run();
    });
  }

  stop(): void {
    this.stopped = true;
  }

  /** Which workers may run the job's tasks: all, or those a sealed job's envelope names. */
  workersFor(jobId: string): WorkerFilter {
    return this.o.envelopes.workersFor(jobId, this.o.book.get(jobId)?.sealed === true);
  }

  /**
   * Ask every running job, in turn, for hosts to start within the free worker capacity here, and beyond it
   * (jobs without a password envelope) within what other servers' workers can take (the relay). Room left
   * over claims other servers' offers, after this server's own oldest offers.
   */
  private run(): void {
    if (!this.o.active()) return;
    const { delivery, book, metrics } = this.o;
    const relay = this.o.relay();
    delivery.placeUnplaced();
    const board = delivery.board;
    let free = board.freeCapacity();
    // Own offers nobody claimed yet go first when room appears here (they hold their slots already).
    free -= Math.min(free, relay?.outbox.unclaimed() ?? 0);
    let relayRoom = relay?.room() ?? 0;
    const live = book.all().filter((d) => d.rollout.jobStateNow === 'running' && !d.parked);
    const now = this.o.now();
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
      if (offered.length > 0) relay?.outbox.offer(d, offered);
      free -= started.length - offered.length;
      relayRoom -= offered.length;
      metrics.hostStarts += started.length;
      book.settle(d);
      if (refs.length > 0) this.sendOnceStored(refs);
    }
    relay?.afterPump();
  }

  /** A task goes out only once its running row is durable. */
  private sendOnceStored(refs: readonly TaskRef[]): void {
    this.o.writer.afterCommit((err) => {
      if (err !== undefined) return this.o.onStoreFailure(err);
      for (const ref of refs) {
        ref.committed = true;
        this.o.delivery.trySend(ref);
      }
    });
  }
}
