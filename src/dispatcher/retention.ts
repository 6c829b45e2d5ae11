// Retention: every so often, prune the events and output of jobs that ended longer ago than the configured age.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Store } from '../store/index.ts';
import type { Logger } from './logger.ts';
import { silentLogger } from './logger.ts';

/** Options of {@link Retention}. */
export interface RetentionOptions {
  readonly store: Store;
  /** Prune jobs that ended longer ago than this (ms). */
  readonly maxAgeMs: number;
  /** Between passes (default 1 hour); the first pass runs `firstDelayMs` after start (default 1 minute). */
  readonly intervalMs?: number;
  readonly firstDelayMs?: number;
  /** Jobs per transaction (default 20), and transactions per pass at most (default 500). */
  readonly batch?: number;
  readonly maxBatches?: number;
  readonly log?: Logger;
  readonly now?: () => number;
}

/** What one pass removed. */
export interface RetentionPass {
  readonly jobs: number;
  readonly events: number;
  readonly outputChunks: number;
  /** The pass stopped at `maxBatches` with more to prune (the next pass goes on). */
  readonly more: boolean;
}

/**
 * Prunes in small transactions and yields to the event loop between them, so the dispatcher and the API
 * are never held up for long; the job rows, host rows and the audit trail are kept.
 */
export class Retention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RetentionPass> | undefined;
  private stopped = false;

  constructor(private readonly o: RetentionOptions) {}

  /** Schedule passes; idempotent. */
  start(): void {
    if (this.timer || this.stopped) return;
    const every = this.o.intervalMs ?? 3_600_000;
    const tick = (): void => {
      void this.runOnce().catch((e: unknown) =>
        (this.o.log ?? silentLogger).error({ err: e }, 'retention pass failed'),
      );
    };
    this.timer = setTimeout(() => {
      tick();
      this.timer = setInterval(tick, every);
      this.timer.unref();
    }, this.o.firstDelayMs ?? 60_000);
    this.timer.unref();
  }

  /** Stop scheduling and wait for a pass in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass now (a pass already running is joined, not doubled). */
  runOnce(): Promise<RetentionPass> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<RetentionPass> {
    const now = (this.o.now ?? Date.now)();
    const cut = now - this.o.maxAgeMs;
    const size = this.o.batch ?? 20;
    const total = { jobs: 0, events: 0, outputChunks: 0 };
    for (let i = 0; i < (this.o.maxBatches ?? 500); i++) {
      if (this.stopped) break;
      const r = await this.o.store.pruneJobData(cut, size, now);
      total.jobs += r.jobs;
      total.events += r.events;
      total.outputChunks += r.outputChunks;
      if (r.jobs < size) return this.report({ ...total, more: false });
      await yieldToLoop();
    }
    return this.report({ ...total, more: !this.stopped });
  }

  private report(pass: RetentionPass): RetentionPass {
    if (pass.jobs > 0) {
      (this.o.log ?? silentLogger).info(
        { ...pass },
        `retention: pruned the events and output of ${pass.jobs} job(s) older than ${Math.round(this.o.maxAgeMs / 86_400_000)} days`,
      );
    }
    return pass;
  }
}
