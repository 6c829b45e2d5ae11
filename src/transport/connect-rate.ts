// A limit on new connections per second (a token bucket in GCRA form), separate from how many run at once.
import { setTimeout as sleep } from 'node:timers/promises';

/** Hands out connection slots no faster than the rate allows; waiters are served in arrival order. */
export interface ConnectRateLimiter {
  /** Wait for the next slot; rejects with the signal's reason when it fires first. */
  acquire(signal?: AbortSignal): Promise<void>;
}

export interface ConnectRateOptions {
  /** Connections per second; 0 or Infinity means no limit. */
  readonly perSecond: number;
  /** How many may start at once after a quiet spell (default 1: evenly spaced). */
  readonly burst?: number;
  /** Monotonic clock in ms (default `performance.now`). */
  readonly now?: () => number;
}

/**
 * A limiter that spaces connections `1000 / perSecond` ms apart, allowing `burst` back to back.
 * Each caller reserves its slot when it asks, so the limiter needs no timer of its own.
 */
export function createConnectRateLimiter(options: ConnectRateOptions): ConnectRateLimiter {
  const { perSecond } = options;
  if (!(perSecond > 0) || perSecond === Infinity) return { acquire: (signal) => checkSignal(signal) };
  const interval = 1000 / perSecond;
  const tolerance = (Math.max(1, options.burst ?? 1) - 1) * interval;
  const now = options.now ?? (() => performance.now());
  let theoretical = -Infinity; // GCRA's theoretical arrival time of the next slot
  return {
    async acquire(signal) {
      signal?.throwIfAborted();
      const t = now();
      const startAt = Math.max(t, theoretical - tolerance);
      theoretical = Math.max(theoretical, t) + interval;
      // Timers may fire a little early by this clock (libuv measures from the start of the tick): wait again.
      for (let wait = startAt - t; wait > 0; wait = startAt - now()) {
        await sleep(wait, undefined, signal ? { signal } : {});
      }
    },
  };
}

function checkSignal(signal: AbortSignal | undefined): Promise<void> {
  signal?.throwIfAborted();
  return Promise.resolve();
}
