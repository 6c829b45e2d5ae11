// Local job driver: runs one rollout in this process, starting host tasks as the engine allows (used by `pogo one`).
import type { HostOutcome, JobState, LimitSpec, PogoEvent } from '../model/index.ts';
import { isTerminalJobState } from '../model/index.ts';
import type { HostCounts, Plan } from '../engine/index.ts';
import { ConstraintLedger, Rollout } from '../engine/index.ts';

/** What running one host produced, as far as the driver cares. */
export interface HostRun {
  readonly outcome: HostOutcome;
}

/** Runs one host; must resolve (never reject) and must stop promptly when `signal` aborts. */
export type HostExecutor<R extends HostRun> = (host: string, signal: AbortSignal) => Promise<R>;

export interface LocalJobOptions<R extends HostRun> {
  readonly jobId: string;
  readonly plan: Plan;
  readonly maxFailures?: LimitSpec | undefined;
  readonly timeoutMs?: number | undefined;
  readonly execute: HostExecutor<R>;
  /** Every engine event, in order, with `t` in ms since the epoch. */
  readonly onEvent?: ((event: PogoEvent) => void) | undefined;
  /** A host's full result, right before its outcome event. */
  readonly onResult?: ((host: string, result: R) => void) | undefined;
  readonly now?: (() => number) | undefined;
  /** A shared ledger, when several jobs run in one namespace in this process. */
  readonly ledger?: ConstraintLedger | undefined;
}

export interface LocalJobSummary {
  readonly state: JobState;
  readonly reason: string;
  readonly counts: HostCounts;
}

/**
 * Drives a Rollout with real (asynchronous) host tasks. `halt` drains: running hosts finish, nothing new
 * starts. `kill` also aborts running tasks. Both are idempotent.
 */
export class LocalJob<R extends HostRun> {
  private readonly rollout: Rollout;
  private readonly running = new Map<string, AbortController>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private finished: ((s: LocalJobSummary) => void) | undefined;

  constructor(private readonly options: LocalJobOptions<R>) {
    this.now = options.now ?? Date.now;
    this.rollout = new Rollout(options.plan, options.ledger ?? new ConstraintLedger(), {
      jobId: options.jobId,
      maxFailures: options.maxFailures,
      timeoutMs: options.timeoutMs,
    });
  }

  /** Counts of hosts by state right now (for progress lines). */
  counts(): HostCounts {
    return this.rollout.hostCounts();
  }

  /** True once a halt was decided and running hosts are draining. */
  get draining(): boolean {
    return this.rollout.draining;
  }

  /** Run to the end. */
  run(): Promise<LocalJobSummary> {
    return new Promise((resolve) => {
      this.finished = resolve;
      this.rollout.start(this.now());
      const deadline = this.rollout.deadline;
      if (deadline !== undefined) {
        this.timer = setTimeout(() => {
          this.rollout.tick(Math.max(this.now(), deadline));
          this.pump();
        }, deadline - this.now());
      }
      this.pump();
    });
  }

  /** Stop starting hosts; running ones finish. */
  halt(reason: string): void {
    this.rollout.halt(this.now(), reason);
    this.pump();
  }

  /** Halt and abort every running host task. */
  kill(reason: string): void {
    this.halt(reason);
    for (const c of this.running.values()) c.abort('killed');
  }

  private pump(): void {
    const now = this.now();
    for (const host of this.rollout.next(now)) this.launch(host);
    this.flush();
    if (isTerminalJobState(this.rollout.jobStateNow) && this.running.size === 0 && this.finished) {
      clearTimeout(this.timer);
      const done = this.finished;
      this.finished = undefined;
      done({
        state: this.rollout.jobStateNow,
        reason: this.rollout.reason,
        counts: this.rollout.hostCounts(),
      });
    }
  }

  private launch(host: string): void {
    const controller = new AbortController();
    this.running.set(host, controller);
    // An executor that breaks its contract and rejects still ends the host as failed: nothing hangs.
    void this.options.execute(host, controller.signal).then(
      (result) => this.complete(host, result.outcome, result),
      () => this.complete(host, 'failed', undefined),
    );
  }

  private complete(host: string, outcome: HostOutcome, result: R | undefined): void {
    this.running.delete(host);
    this.flush();
    if (result) this.options.onResult?.(host, result);
    this.rollout.finish(host, outcome, this.now());
    this.pump();
  }

  private flush(): void {
    for (const e of this.rollout.takeEvents()) this.options.onEvent?.(e);
  }
}
