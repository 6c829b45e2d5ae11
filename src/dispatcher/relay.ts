// Tasks handed between servers on one store: the heartbeat, the owner's outbox, the carrier, and what wakes them.
import type { Store, StoreChange } from '../store/index.ts';
import type { Logger } from './logger.ts';
import type { DispatcherMetrics } from './metrics.ts';
import type { JobBook } from './job-book.ts';
import type { ProgressWriter } from './progress-writer.ts';
import { RelayCarrier } from './relay-carrier.ts';
import { RelayOutbox } from './relay-outbox.ts';
import { ServerBeats } from './server-beats.ts';
import type { TaskDelivery } from './task-delivery.ts';

export interface RelayOptions {
  readonly store: Store;
  /** The jobs driven here. */
  readonly book: JobBook;
  readonly delivery: TaskDelivery;
  readonly writer: ProgressWriter;
  /** This server's name. */
  readonly name: string;
  /** How long a heartbeat vouches for a server (the lease TTL). */
  readonly ttlMs: number;
  /** How long a server that stopped beating may take before the tasks its workers ran are `lost`. */
  readonly graceMs: number;
  readonly log: Logger;
  readonly now: () => number;
  readonly metrics: DispatcherMetrics;
  readonly schedulePump: () => void;
}

/** The poll behind notifications (which may be missed): claims, results, cancels, dead carriers. */
const POLL_MS = 1_000;

/**
 * Several servers on one store: a job's owner offers the tasks its own workers have no room for (up to what
 * the others' heartbeats say they can take), a server whose workers have room left after its own jobs
 * claims them, and results come back through the store. A worker connected to any server thus runs tasks
 * of every job.
 */
export class Relay {
  readonly beats: ServerBeats;
  readonly outbox: RelayOutbox;
  readonly carrier: RelayCarrier;
  private timer: NodeJS.Timeout | undefined;
  private unwatch: (() => void) | undefined;

  private readonly store: Store;
  private readonly schedulePump: () => void;

  constructor(o: RelayOptions) {
    const { book, delivery } = o;
    const board = delivery.board;
    this.store = o.store;
    this.schedulePump = o.schedulePump;
    this.beats = new ServerBeats({
      store: o.store,
      name: o.name,
      ttlMs: o.ttlMs,
      log: o.log,
      now: o.now,
      spare: () => board.freeCapacity(),
      offered: () => this.outbox.unclaimed(),
    });
    const trySend = delivery.trySend.bind(delivery);
    this.outbox = new RelayOutbox(
      { ...o, board, beats: this.beats },
      { driver: (id) => book.get(id), endHost: book.endHost.bind(book), trySend },
    );
    this.carrier = new RelayCarrier(
      { ...o, board },
      {
        isDriven: (id) => book.has(id),
        claimedOwn: (ref, w) => this.outbox.placeClaimed(ref, w),
        trySend,
        sendCancel: delivery.cancel.bind(delivery),
        armGrace: delivery.armGrace.bind(delivery),
        schedulePump: o.schedulePump,
      },
    );
  }

  /** Take up the tasks carried before a restart, then beat, listen and poll. */
  async start(): Promise<void> {
    await this.carrier.restore();
    this.beats.start();
    this.unwatch = this.store.watch((c) => this.onChange(c));
    this.timer = setInterval(() => this.poll(), POLL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.unwatch?.();
    await this.carrier.stop();
    await this.beats.stop();
  }

  /** How many hosts the owner may offer now beyond its own workers' room. */
  room(): number {
    return this.beats.relayRoom();
  }

  /** After a pump: claim offers with the room left, and tell the others when room appeared. */
  afterPump(): void {
    this.carrier.claim();
    this.beats.nudge();
  }

  private onChange(c: StoreChange): void {
    if (c.topic === 'relay' && c.jobId !== undefined) return this.outbox.sync([c.jobId]);
    if (c.topic === 'relay') {
      this.carrier.offersChanged();
      this.carrier.checkCancels();
      return this.schedulePump();
    }
    if (c.topic === 'servers') return this.beats.refresh(() => this.schedulePump());
    if (c.topic === 'resync') this.poll();
  }

  private poll(): void {
    this.outbox.sync();
    this.carrier.offersChanged();
    this.carrier.checkCancels();
    this.beats.refresh(() => this.schedulePump());
  }
}
