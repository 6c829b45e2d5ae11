// Two-phase stop of the worker agent: graceful (wait until nothing is held, or a deadline), then forced; idempotent.

/** Options of a stop: `force` aborts running tasks; `timeoutMs` bounds the wait for acknowledgements. */
export interface StopOptions {
  readonly force?: boolean | undefined;
  readonly timeoutMs?: number | undefined;
}

/** After a forced stop, how long the results of the aborted tasks may take to be acknowledged. */
export const FORCE_GRACE_MS = 2_000;

/**
 * Resolves one promise when `drained()` holds (checked on every stop call and on {@link check}) or
 * when the earliest deadline given passes. A later call may force or shorten the deadline.
 */
export class StopGate {
  private promise: Promise<void> | undefined;
  private resolve: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private deadline = Infinity;
  private finished = false;

  constructor(
    private readonly drained: () => boolean,
    private readonly abortRunning: () => void,
    private readonly onDone: () => void,
  ) {}

  /** True once a stop was asked for. */
  get started(): boolean {
    return this.promise !== undefined;
  }

  /** True once the stop completed. */
  get done(): boolean {
    return this.finished;
  }

  /** Ask for a stop (see WorkerAgent.stop). */
  stop(options: StopOptions = {}): Promise<void> {
    this.promise ??= new Promise<void>((resolve) => (this.resolve = resolve));
    if (this.finished) return this.promise;
    if (options.force) this.abortRunning();
    const ms = options.timeoutMs ?? (options.force ? FORCE_GRACE_MS : Infinity);
    const deadline = performance.now() + ms;
    if (Number.isFinite(ms) && deadline < this.deadline) {
      this.deadline = deadline;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.finish(), ms);
    }
    this.check();
    return this.promise;
  }

  /** Something was acknowledged: complete the stop if nothing is held any more. */
  check(): void {
    if (this.promise && !this.finished && this.drained()) this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    // A deadline passed with tasks still running: nothing could deliver their results any more.
    this.abortRunning();
    this.onDone();
    this.resolve?.();
  }
}
