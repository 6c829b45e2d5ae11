// Tests of the in-process job driver with asynchronous host tasks (timers standing in for remote commands).
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../engine/index.ts';
import type { HostOutcome, PogoEvent } from '../model/index.ts';
import type { HostRun } from './local-job.ts';
import { LocalJob } from './local-job.ts';

/** A host task that takes `ms` and ends with `outcome`, or 'failed' early when aborted. */
function task(ms: number, outcome: HostOutcome = 'succeeded') {
  return async (_host: string, signal: AbortSignal): Promise<HostRun> => {
    try {
      await sleep(ms, undefined, { signal });
      return { outcome };
    } catch {
      return { outcome: 'failed' };
    }
  };
}

describe('LocalJob', () => {
  it('runs every host within max_parallel and reports events in order', async () => {
    const hosts = Array.from({ length: 12 }, (_, i) => `h${i}`);
    const events: PogoEvent[] = [];
    let running = 0;
    let peak = 0;
    const job = new LocalJob({
      jobId: 'j',
      plan: buildPlan(undefined, hosts, { maxParallel: { kind: 'count', value: 3 } }),
      execute: async (h, s) => {
        peak = Math.max(peak, ++running);
        const r = await task(5)(h, s);
        running--;
        return r;
      },
      onEvent: (e) => events.push(e),
    });
    const summary = await job.run();
    expect(summary).toMatchObject({ state: 'succeeded', counts: { succeeded: 12 } });
    expect(peak).toBe(3);
    expect(events.filter((e) => e.type === 'host:started')).toHaveLength(12);
    expect(events.at(-1)?.type).toBe('job:succeeded');
  });

  it('halt drains running hosts; kill aborts them; a rejecting executor still ends the host', async () => {
    const hosts = ['a', 'b', 'c', 'd'];
    const job = new LocalJob({
      jobId: 'j',
      plan: buildPlan(undefined, hosts, { maxParallel: { kind: 'count', value: 2 } }),
      execute: (h, s) => (h === 'b' ? Promise.reject(new Error('boom')) : task(10_000)(h, s)),
    });
    const done = job.run();
    await sleep(20);
    job.kill('killed by test');
    const summary = await done;
    expect(summary.state).toBe('halted');
    expect(summary.reason).toBe('killed by test');
    expect(summary.counts).toMatchObject({ failed: 2, halted: 2 });
  });

  it('job timeout halts with the reason', async () => {
    const job = new LocalJob({
      jobId: 'j',
      plan: buildPlan(undefined, ['a', 'b'], { maxParallel: { kind: 'count', value: 1 } }),
      timeoutMs: 30,
      execute: task(50),
    });
    expect(await job.run()).toMatchObject({
      state: 'halted',
      reason: 'job timeout',
      counts: { succeeded: 1, halted: 1 },
    });
  });
});
