// Live job event subscriptions: stored events first, then committed ones as they come, no gaps, no repeats.
import type { EventRecord } from '../model/index.ts';
import type { Store } from '../store/index.ts';

const TERMINAL = new Set(['job:succeeded', 'job:failed', 'job:halted']);

interface Subscriber {
  readonly listener: (e: EventRecord) => void;
  readonly onEnd: (() => void) | undefined;
  /** Highest seq delivered, and its type. */
  last: number;
  lastType: string;
  /** Live events that arrived while the stored ones were being read. */
  backlog: EventRecord[] | undefined;
  closed: boolean;
}

/**
 * Fans committed events out to subscribers. `publish` must be called only with committed events, in seq
 * order per job; a subscriber first gets the stored events after its position, then live ones.
 */
export class EventHub {
  private readonly byJob = new Map<string, Set<Subscriber>>();
  /** Jobs being read by `refresh`, and whether another refresh was asked for meanwhile. */
  private readonly refreshing = new Map<string, boolean>();

  constructor(private readonly store: Store) {}

  /** Number of live subscriptions (for metrics and tests). */
  get size(): number {
    let n = 0;
    for (const s of this.byJob.values()) n += s.size;
    return n;
  }

  /** Subscribe from `afterSeq`; resolves once the catch-up has been delivered. */
  async subscribe(
    jobId: string,
    afterSeq: number,
    listener: (e: EventRecord) => void,
    onEnd?: () => void,
  ): Promise<() => void> {
    const sub: Subscriber = { listener, onEnd, last: afterSeq, lastType: '', backlog: [], closed: false };
    let set = this.byJob.get(jobId);
    if (!set) {
      set = new Set();
      this.byJob.set(jobId, set);
    }
    set.add(sub);
    const unsubscribe = (): void => {
      sub.closed = true;
      const s = this.byJob.get(jobId);
      s?.delete(sub);
      if (s?.size === 0) this.byJob.delete(jobId);
    };
    try {
      for (;;) {
        const page = await this.store.readEvents(jobId, sub.last, 1000);
        for (const e of page) this.deliver(sub, e, false);
        if (page.length < 1000 || sub.closed) break;
      }
    } catch (e: unknown) {
      unsubscribe();
      throw e;
    }
    const backlog = sub.backlog ?? [];
    sub.backlog = undefined;
    for (const e of backlog) this.deliver(sub, e, false);
    // Caught up on a finished job: the stream is complete (a re-opened job has events after its end).
    if (TERMINAL.has(sub.lastType) && !sub.closed) sub.onEnd?.();
    return unsubscribe;
  }

  /** Jobs with at least one subscriber. */
  subscribedJobs(): string[] {
    return [...this.byJob.keys()];
  }

  /**
   * Another server stored events of `jobId`: read what the subscribers here have not had yet and deliver
   * it as if published (one read at a time per job; a call during a read reads again after it).
   */
  refresh(jobId: string): void {
    if (!this.byJob.has(jobId)) return;
    if (this.refreshing.has(jobId)) {
      this.refreshing.set(jobId, true);
      return;
    }
    this.refreshing.set(jobId, false);
    void this.readNew(jobId).finally(() => {
      const again = this.refreshing.get(jobId) === true;
      this.refreshing.delete(jobId);
      if (again) this.refresh(jobId);
    });
  }

  private async readNew(jobId: string): Promise<void> {
    for (;;) {
      const set = this.byJob.get(jobId);
      if (!set || set.size === 0) return;
      const from = Math.min(...[...set].map((s) => (s.backlog ? Infinity : s.last)));
      if (from === Infinity) return;
      let page: readonly EventRecord[];
      try {
        page = await this.store.readEvents(jobId, from, 1000);
      } catch {
        return; // the next notification or poll tries again
      }
      if (page.length > 0) this.publish(jobId, page);
      if (page.length < 1000) return;
    }
  }

  /** Committed events of one job, in seq order. */
  publish(jobId: string, events: readonly EventRecord[]): void {
    const set = this.byJob.get(jobId);
    if (!set) return;
    for (const sub of set) {
      if (sub.backlog) sub.backlog.push(...events);
      else for (const e of events) this.deliver(sub, e, true);
    }
  }

  private deliver(sub: Subscriber, e: EventRecord, live: boolean): void {
    if (sub.closed || e.seq <= sub.last) return;
    sub.last = e.seq;
    sub.lastType = e.type;
    sub.listener(e);
    if (live && TERMINAL.has(e.type) && !sub.closed) sub.onEnd?.();
  }
}
