// Example tests of the rollout: seed documents' cases, failure semantics and operator actions.
import { describe, expect, it } from 'vitest';
import { namespaceConfig } from '../../test/support/namespace.ts';
import type { HostOutcome } from '../model/index.ts';
import { parseLimit } from '../model/index.ts';
import { ConstraintLedger } from './ledger.ts';
import { buildPlan } from './plan.ts';
import { Rollout } from './rollout.ts';
import type { SimResult } from './simulate.ts';
import { simulate } from './simulate.ts';

const web = namespaceConfig({
  tags: {
    'colo.east': ['web01', 'web02', 'web03', 'web04', 'cache1'],
    'colo.west': ['web05', 'web06', 'web07', 'web08', 'cache2'],
    frontend: ['web01', 'web02', 'web03', 'web04', 'web05', 'web06', 'web07', 'web08'],
    cache: ['cache1', 'cache2'],
  },
  chains: { main: ['$cache', '$frontend'] },
  limits: { frontend: '25%', cache: 1 },
});

/** Start order, one entry per start, and the most hosts that ran at once for a predicate. */
function starts(r: SimResult): string[] {
  return r.events.filter((e) => e.type === 'host:started').map((e) => ('host' in e ? e.host : ''));
}
function peakRunning(r: SimResult, pick: (h: string) => boolean): number {
  let cur = 0;
  let peak = 0;
  for (const e of r.events) {
    if (!('host' in e) || !pick(e.host)) continue;
    if (e.type === 'host:started') peak = Math.max(peak, ++cur);
    else if (e.type.startsWith('host:') && e.type !== 'host:retried' && e.type !== 'host:skipped') cur--;
  }
  return peak;
}
const ok = (): HostOutcome => 'succeeded';

describe('rollout: seed documents', () => {
  it('one.cfg: sequence [host3, host2, host1] with targets host1,host2 runs host2 before host1', () => {
    const cfg = namespaceConfig({ chains: { 'thread-1': ['host3', 'host2', 'host1'] } });
    const res = simulate([{ id: 'j', plan: buildPlan(cfg, ['host1', 'host2']) }], {
      durationMs: () => 1000,
      outcome: ok,
    });
    expect(starts(res)).toEqual(['host2', 'host1']);
    expect(res.jobs[0]?.state).toBe('succeeded');
  });

  it('caches before front ends: $cache one at a time, then $frontend 25% (2 of 8) at a time', () => {
    const res = simulate([{ id: 'j', plan: buildPlan(web, web.hosts) }], {
      durationMs: () => 10_000,
      outcome: ok,
    });
    const order = starts(res);
    expect(order.slice(0, 2)).toEqual(['cache1', 'cache2']);
    expect(peakRunning(res, (h) => h.startsWith('cache'))).toBe(1);
    expect(peakRunning(res, (h) => h.startsWith('web'))).toBe(2);
    const firstWeb = res.events.find((e) => e.type === 'host:started' && e.host.startsWith('web'));
    const lastCache = res.events
      .filter((e) => e.type === 'host:succeeded' && e.host.startsWith('cache'))
      .at(-1);
    expect(firstWeb?.t).toBeGreaterThanOrEqual(lastCache?.t ?? Infinity);
    expect(res.makespanMs).toBe(2 * 10_000 + 4 * 10_000);
  });

  it("the talk's rule: max_parallel 5 and one failed host → at most 4 run at once afterwards", () => {
    const hosts = Array.from({ length: 30 }, (_, i) => `h${i}`);
    const plan = buildPlan(undefined, hosts, { maxParallel: { kind: 'count', value: 5 } });
    const res = simulate([{ id: 'j', plan }], {
      durationMs: (_j, h) => (h === 'h0' ? 1000 : 5000),
      outcome: (_j, h) => (h === 'h0' ? 'failed' : 'succeeded'),
    });
    const failAt = res.events.find((e) => e.type === 'host:failed')?.t ?? 0;
    const after = { ...res, events: res.events.filter((e) => e.t > failAt) };
    expect(peakRunning(res, () => true)).toBe(5);
    let running = 4;
    let peak = 0;
    for (const e of after.events) {
      if (e.type === 'host:started') peak = Math.max(peak, ++running);
      if (e.type === 'host:succeeded') running--;
    }
    expect(peak).toBe(4);
    expect(res.jobs[0]).toMatchObject({ state: 'failed', reason: '1 host failed' });
  });
});

describe('rollout: failure semantics', () => {
  it('halts when the failure budget is crossed, drains running hosts, starts nothing after', () => {
    const hosts = Array.from({ length: 20 }, (_, i) => `h${i}`);
    const plan = buildPlan(undefined, hosts, { maxParallel: { kind: 'count', value: 4 } });
    const res = simulate([{ id: 'j', plan, maxFailures: { kind: 'count', value: 1 } }], {
      durationMs: (_j, h) => (h === 'h1' || h === 'h2' ? 100 : 1000),
      outcome: (_j, h) => (h === 'h1' || h === 'h2' ? 'failed' : 'succeeded'),
    });
    const halting = res.events.find((e) => e.type === 'job:halting');
    expect(halting).toMatchObject({ reason: 'failure budget exhausted', t: 100 });
    expect(res.events.filter((e) => e.type === 'host:started' && e.t >= 100)).toEqual([]);
    const end = res.events.at(-1);
    expect(end).toMatchObject({ type: 'job:halted', t: 1000, reason: 'failure budget exhausted' });
    expect(res.jobs[0]?.counts).toMatchObject({ succeeded: 2, failed: 2, halted: 16, running: 0 });
  });

  it('a percent budget counts the whole rollout, not a batch', () => {
    const hosts = Array.from({ length: 100 }, (_, i) => `h${i}`);
    const plan = buildPlan(undefined, hosts, { maxParallel: { kind: 'count', value: 10 } });
    const res = simulate([{ id: 'j', plan, maxFailures: parseLimit('5%') }], {
      durationMs: () => 10,
      outcome: (_j, h) => (Number(h.slice(1)) % 10 === 0 ? 'failed' : 'succeeded'),
    });
    expect(res.jobs[0]).toMatchObject({ state: 'halted', reason: 'failure budget exhausted' });
    expect(res.jobs[0]?.counts.failed).toBe(6);
  });

  it('is stuck, naming the group, when failures hold every slot and nothing runs', () => {
    const res = simulate([{ id: 'j', plan: buildPlan(web, ['cache1', 'cache2', 'web01']) }], {
      durationMs: () => 10,
      outcome: (_j, h) => (h === 'cache1' ? 'failed' : 'succeeded'),
    });
    expect(res.jobs[0]?.state).toBe('halted');
    expect(res.jobs[0]?.reason).toBe(
      'stuck: all remaining hosts blocked by failed hosts in $cache (1/1 held)',
    );
    expect(res.jobs[0]?.counts).toMatchObject({ failed: 1, halted: 2 });
  });

  it('a failed host in a chain still finishes its stage for ordering (the budget decides)', () => {
    const cfg = namespaceConfig({ chains: { c: ['a', 'b'] } });
    const res = simulate([{ id: 'j', plan: buildPlan(cfg, ['a', 'b']) }], {
      durationMs: () => 5,
      outcome: (_j, h) => (h === 'a' ? 'failed' : 'succeeded'),
    });
    expect(starts(res)).toEqual(['a', 'b']);
    expect(res.jobs[0]?.state).toBe('failed');
  });
});

describe('rollout: operator actions', () => {
  it('halt drains, resume continues, retry re-runs a failed host, skip releases it', () => {
    const hosts = ['a', 'b', 'c', 'd'];
    const ledger = new ConstraintLedger();
    const plan = buildPlan(undefined, hosts, { maxParallel: { kind: 'count', value: 2 } });
    const r = new Rollout(plan, ledger, { jobId: 'j' });
    r.start(0);
    expect(r.next(0)).toEqual(['a', 'b']);
    r.halt(1, 'halted by alice');
    expect(r.next(1)).toEqual([]);
    expect(r.draining).toBe(true);
    r.finish('a', 'failed', 2);
    r.finish('b', 'succeeded', 3);
    expect(r.jobStateNow).toBe('halted');
    expect(r.reason).toBe('halted by alice');
    expect(r.hostState('c')).toBe('halted');
    r.resume(4, 'alice');
    expect(r.next(4)).toEqual(['c']); // a's failure still holds one of the two slots
    r.retry(['a'], 5, 'alice');
    expect(r.next(5)).toEqual(['a']); // the freed slot goes to the host first in plan order
    r.finish('c', 'succeeded', 6);
    expect(r.next(6)).toEqual(['d']);
    r.finish('a', 'failed', 7);
    expect(r.hostState('a')).toBe('failed');
    r.skip(['a'], 8, 'alice');
    r.finish('d', 'succeeded', 9);
    expect(r.next(9)).toEqual([]);
    expect(r.jobStateNow).toBe('succeeded');
    expect(r.hostCounts()).toMatchObject({ succeeded: 3, skipped: 1 });
    expect(() => r.skip(['b'], 10)).toThrow(/succeeded; it cannot be skipped/);
    expect(() => r.retry(['zz'], 10)).toThrow(/not in job/);
  });

  it('skipping a whole later stage does not let the stage after it jump the queue', () => {
    const cfg = namespaceConfig({ chains: { c: ['a', 'b', 'c'] } });
    const r = new Rollout(buildPlan(cfg, ['a', 'b', 'c']), new ConstraintLedger(), { jobId: 'j' });
    r.start(0);
    expect(r.next(0)).toEqual(['a']);
    r.skip(['b'], 1);
    expect(r.next(1)).toEqual([]);
    r.finish('a', 'succeeded', 2);
    expect(r.next(2)).toEqual(['c']);
  });

  it('retry re-opens a failed job', () => {
    const r = new Rollout(buildPlan(undefined, ['a']), new ConstraintLedger(), { jobId: 'j' });
    r.start(0);
    r.next(0);
    r.finish('a', 'unreachable', 1);
    expect(r.jobStateNow).toBe('failed');
    r.retry(['a'], 2);
    expect(r.next(2)).toEqual(['a']);
    r.finish('a', 'succeeded', 3);
    expect(r.jobStateNow).toBe('succeeded');
  });

  it('job timeout halts the job', () => {
    const hosts = ['a', 'b', 'c'];
    const plan = buildPlan(undefined, hosts, { maxParallel: { kind: 'count', value: 1 } });
    const res = simulate([{ id: 'j', plan, timeoutMs: 1500 }], { durationMs: () => 1000, outcome: ok });
    expect(res.jobs[0]).toMatchObject({ state: 'halted', reason: 'job timeout' });
    expect(res.jobs[0]?.counts).toMatchObject({ succeeded: 2, halted: 1 });
  });

  it('hosts finishing exactly at the job deadline still count: the job succeeds', () => {
    const plan = buildPlan(undefined, ['a', 'b'], { maxParallel: { kind: 'count', value: 1 } });
    const res = simulate([{ id: 'j', plan, timeoutMs: 2000 }], { durationMs: () => 1000, outcome: ok });
    expect(res.jobs[0]).toMatchObject({ state: 'succeeded' });
  });
});

describe('rollout: namespace-wide constraints', () => {
  it('two jobs share a group limit and a host runs in one job at a time', () => {
    const cfg = namespaceConfig({ tags: { db: ['d1', 'd2', 'd3'] }, limits: { db: 1 } });
    const res = simulate(
      [
        { id: 'A', plan: buildPlan(cfg, ['d1', 'd2']) },
        { id: 'B', plan: buildPlan(cfg, ['d2', 'd3']) },
      ],
      { durationMs: () => 10, outcome: ok },
    );
    expect(peakRunning(res, (h) => h.startsWith('d'))).toBe(1);
    expect(res.peaks.find((p) => p.key === 'db')).toMatchObject({ peak: 1, limit: 1 });
    expect(res.jobs.map((j) => j.state)).toEqual(['succeeded', 'succeeded']);
    expect(res.makespanMs).toBe(40);
  });

  it("another job's failure holds the slot; this job halts as stuck when nothing can free it", () => {
    const cfg = namespaceConfig({ tags: { db: ['d1', 'd2'] }, limits: { db: 1 } });
    const res = simulate(
      [
        { id: 'A', plan: buildPlan(cfg, ['d1']) },
        { id: 'B', plan: buildPlan(cfg, ['d2']), startAt: 1 },
      ],
      { durationMs: () => 10, outcome: () => 'failed' },
    );
    expect(res.jobs[0]).toMatchObject({ state: 'failed' });
    // A's failure is held only until A ends (at t=10), so B runs afterwards.
    expect(res.jobs[1]).toMatchObject({ state: 'failed' });
    expect(starts(res)).toEqual(['d1', 'd2']);
  });
});

describe('plan', () => {
  it('refuses chains that wait on each other in a circle (PLAN_CYCLE)', () => {
    const cfg = namespaceConfig({ chains: { up: ['a', 'b'], down: ['b', 'a'] } });
    expect(() => buildPlan(cfg, ['a', 'b'])).toThrow(/sequences up, down make hosts wait on each other/);
    expect(buildPlan(cfg, ['a']).threads.map((t) => t.id)).toEqual(['up', 'down']);
  });

  it('puts hosts the config does not know last, constrained only by the job cap', () => {
    const plan = buildPlan(web, ['zz1', 'cache1'], { maxParallel: parseLimit('50%') });
    expect(plan.hosts).toEqual(['cache1', 'zz1']);
    expect(plan.unconstrained).toEqual([1]);
    expect(plan.hostGroups[1]?.map((g) => plan.groups[g]?.id)).toEqual(['@job']);
    expect(plan.groups.find((g) => g.id === '@job')?.limit).toBe(1);
  });
});

describe('rollout: determinism and scale', () => {
  it('same inputs give the same trace', () => {
    const run = (): SimResult =>
      simulate([{ id: 'j', plan: buildPlan(web, web.hosts), maxFailures: parseLimit(3) }], {
        durationMs: (_j, h) => 100 + (h.charCodeAt(h.length - 1) % 7) * 10,
        outcome: (_j, h) => (h.endsWith('3') ? 'failed' : 'succeeded'),
      });
    expect(run().events).toEqual(run().events);
  });
});
