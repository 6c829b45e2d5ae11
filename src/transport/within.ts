// Wait for a promise at most so long: the timer is cleared as soon as either side settles.
import { setTimeout as sleep } from 'node:timers/promises';

/** The promise's value, or undefined when `ms` pass first (or the promise rejects). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      promise.catch(() => undefined),
      sleep(ms, undefined, { signal: timer.signal }).catch(() => undefined),
    ]);
  } finally {
    timer.abort();
  }
}
