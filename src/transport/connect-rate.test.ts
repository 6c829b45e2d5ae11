// The connection-rate limiter: spacing, bursts, no limit, abort.
import { describe, expect, it } from 'vitest';
import { createConnectRateLimiter } from './connect-rate.ts';

/** Start times (ms) of `n` acquisitions made at once. */
async function starts(n: number, perSecond: number, burst?: number): Promise<number[]> {
  const limiter = createConnectRateLimiter({ perSecond, ...(burst ? { burst } : {}) });
  const t0 = performance.now();
  return Promise.all(Array.from({ length: n }, () => limiter.acquire().then(() => performance.now() - t0)));
}

describe('createConnectRateLimiter', () => {
  it('spaces slots 1000/rate ms apart, in arrival order', async () => {
    const times = await starts(6, 50);
    for (let i = 1; i < times.length; i++) {
      expect(times[i] as number).toBeGreaterThanOrEqual((times[i - 1] as number) + 0);
      expect(times[i] as number).toBeGreaterThanOrEqual(i * 20 - 2);
    }
  });

  it('lets a burst through at once, then keeps the rate', async () => {
    const times = await starts(5, 20, 3);
    expect(times.slice(0, 3).every((t) => t < 15)).toBe(true);
    expect(times[3] as number).toBeGreaterThanOrEqual(48);
    expect(times[4] as number).toBeGreaterThanOrEqual(98);
  });

  it('does not limit without a rate, and gives up when aborted', async () => {
    expect((await starts(100, Infinity)).every((t) => t < 50)).toBe(true);
    const limiter = createConnectRateLimiter({ perSecond: 1 });
    await limiter.acquire();
    const abort = new AbortController();
    const waiting = limiter.acquire(abort.signal);
    abort.abort();
    await expect(waiting).rejects.toThrow();
  });
});
