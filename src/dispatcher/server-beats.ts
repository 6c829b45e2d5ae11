// Each server's heartbeat in the store: the worker capacity it has to spare for other servers' tasks, its open offers.
import type { ServerBeat, Store } from '../store/index.ts';
import type { Logger } from './logger.ts';

export interface ServerBeatsOptions {
  readonly store: Store;
  /** This server's name. */
  readonly name: string;
  /** How long a beat vouches for the server (its lease TTL). */
  readonly ttlMs: number;
  /** Beat interval (default 500 ms). */
  readonly intervalMs?: number | undefined;
  readonly log: Logger;
  readonly now: () => number;
  /** Worker capacity here that this server's own jobs leave unused now. */
  spare(): number;
  /** Tasks this server offered that no server has claimed yet. */
  offered(): number;
}

/** Shortest time between two beats, and between two reads of the others' beats. */
const THROTTLE_MS = 100;

/**
 * Beats every interval (and soon after the spare capacity rises from none), and keeps the last view of every
 * server's beat: how much relayed work the others can take now, and since when a server has stopped beating.
 */
export class ServerBeats {
  private view: readonly ServerBeat[] = [];
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private busy = false;
  private again = false;
  private lastBeat = 0;
  private lastSpare = 0;
  private lastRead = 0;
  private stopped = false;
  /** Servers named by relay rows but absent from the view: when first noticed. */
  private readonly unknownSince = new Map<string, number>();

  constructor(private readonly o: ServerBeatsOptions) {}

  start(): void {
    this.timer = setInterval(() => this.beat(), this.o.intervalMs ?? 500);
    this.timer.unref();
    this.beat();
  }

  /** Beat once more saying nothing is spare, so owners stop offering to this server; then stop. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.soon);
    await this.o.store
      .heartbeat({ name: this.o.name, free: 0, offered: 0 }, 0, this.o.now())
      .catch(() => undefined);
  }

  /** The spare capacity may have changed: beat soon when it rose from none (owners may be waiting for it). */
  nudge(): void {
    if (this.stopped || this.soon !== undefined) return;
    if (this.lastSpare > 0 || this.o.spare() === 0) return;
    const wait = Math.max(0, this.lastBeat + THROTTLE_MS - this.o.now());
    this.soon = setTimeout(() => {
      this.soon = undefined;
      this.beat();
    }, wait);
    this.soon.unref();
  }

  /** Read the beats again (at most every 100 ms), then call `then` (another server has capacity to spare). */
  refresh(then: () => void): void {
    const now = this.o.now();
    if (this.stopped || now - this.lastRead < THROTTLE_MS) return;
    this.lastRead = now;
    this.o.store.listServers().then(
      (v) => {
        this.view = v;
        then();
      },
      (e: unknown) => this.o.log.warn({ err: e }, 'cannot read the servers’ heartbeats'),
    );
  }

  /** How many more tasks the other servers could take now: their spare capacity less every open offer. */
  relayRoom(): number {
    const now = this.o.now();
    let spare = 0;
    let offered = this.o.offered();
    for (const b of this.view) {
      if (b.expiresAt <= now || b.name === this.o.name) continue;
      spare += b.free;
      offered += b.offered;
    }
    return Math.max(0, spare - offered);
  }

  /** When `server` stopped beating (undefined while it beats). A server never seen counts from now. */
  goneSince(server: string, now: number): number | undefined {
    if (server === this.o.name) return undefined;
    const b = this.view.find((x) => x.name === server);
    if (b) {
      this.unknownSince.delete(server);
      return b.expiresAt > now ? undefined : b.expiresAt;
    }
    const since = this.unknownSince.get(server) ?? now;
    this.unknownSince.set(server, since);
    return since;
  }

  private beat(): void {
    if (this.stopped) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    const spare = this.o.spare();
    const now = this.o.now();
    this.o.store
      .heartbeat({ name: this.o.name, free: spare, offered: this.o.offered() }, this.o.ttlMs, now)
      .then(
        (v) => {
          this.view = v;
          this.lastBeat = now;
          this.lastRead = now;
          this.lastSpare = spare;
        },
        (e: unknown) => this.o.log.warn({ err: e }, 'heartbeat not stored; trying again'),
      )
      .finally(() => {
        this.busy = false;
        if (this.again) {
          this.again = false;
          this.beat();
        }
      });
  }
}
