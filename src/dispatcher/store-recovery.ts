// When to try again after a failed store write: poll the store, back off while reloads keep failing.
/** Options of {@link StoreRecovery}. */
export interface StoreRecoveryOptions {
  /** First delay between checks (default 1 s); it doubles, up to 30 s, while reloads keep failing. */
  readonly delayMs?: number | undefined;
  /** Resolves when the store answers (a read). */
  readonly ping: () => Promise<unknown>;
  /** Take every job up again; resolves true once its writes were stored too. */
  readonly reload: () => Promise<boolean>;
}

const MAX_DELAY_MS = 30_000;

/**
 * A store that does not answer is asked again every `delayMs`. A store that answers but whose reload
 * fails again (it reads but cannot write: a full disk) is asked less and less often, so the workers'
 * links are not closed every second.
 */
export class StoreRecovery {
  private timer: NodeJS.Timeout | undefined;
  private failedReloads = 0;
  private stopped = false;

  constructor(private readonly o: StoreRecoveryOptions) {}

  /** A write failed: start checking (idempotent while checks are scheduled). */
  begin(): void {
    if (this.stopped || this.timer) return;
    const delay = Math.min(MAX_DELAY_MS, (this.o.delayMs ?? 1_000) * 2 ** Math.min(this.failedReloads, 10));
    this.timer = setTimeout(() => void this.attempt(), delay);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async attempt(): Promise<void> {
    this.timer = undefined;
    if (this.stopped) return;
    try {
      await this.o.ping();
    } catch {
      return this.begin();
    }
    this.failedReloads++;
    if (await this.o.reload()) this.failedReloads = 0;
  }
}
