// Rollout.restore and next(max): a rollout rebuilt from stored host states behaves exactly like the live one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { namespaceConfig } from '../../test/support/namespace.ts';
import type { HostOutcome, HostState } from '../model/index.ts';
import { parseLimit } from '../model/index.ts';
import { ConstraintLedger } from './ledger.ts';
import { buildPlan } from './plan.ts';
import { Rollout } from './rollout.ts';

const cfg = namespaceConfig({
  tags: {
    'colo.east': ['web01', 'web02', 'web03', 'web04', 'cache1'],
    'colo.west': ['web05', 'web06', 'web07', 'web08', 'cache2'],
    frontend: ['web01', 'web02', 'web03', 'web04', 'web05', 'web06', 'web07', 'web08'],
    cache: ['cache1', 'cache2'],
  },
  chains: { main: ['$cache', '$frontend'] },
  limits: { frontend: '25%', cache: 1, colo: 2 },
});
const targets = [...cfg.hosts, 'extra1', 'extra2'];

function snapshotOf(r: Rollout, startedAt: number): Parameters<Rollout['restore']>[0] {
  return {
    jobState: r.jobStateNow,
    reason: r.reason,
    draining: r.draining ? 'halted by test' : undefined,
    startedAt,
    hostStates: r.plan.hosts.map((h): HostState => r.hostState(h)),
  };
}

function fresh(maxFailures = '3'): Rollout {
  const plan = buildPlan(cfg, targets, { maxParallel: parseLimit(4) });
  return new Rollout(plan, new ConstraintLedger(), { jobId: 'j', maxFailures: parseLimit(maxFailures) });
}

describe('Rollout.next(now, max)', () => {
  it('starts at most max hosts and the rest on later calls, in the same order as without a cap', () => {
    const capped = fresh();
    const free = fresh();
    capped.start(0);
    free.start(0);
    const all = free.next(1);
    const got = [...capped.next(1, 1), ...capped.next(2, 1), ...capped.next(3, 10)];
    expect(got).toEqual(all);
    expect(capped.next(4, 0)).toEqual([]);
    expect(capped.jobStateNow).toBe('running');
  });
});

describe('Rollout.restore', () => {
  it('a restored rollout makes the same decisions as the live one from any point (random runs)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ pick: fc.nat(), fail: fc.boolean(), cap: fc.integer({ min: 0, max: 3 }) }), {
          minLength: 5,
          maxLength: 40,
        }),
        fc.nat(40),
        (steps, cut) => {
          let live = fresh();
          live.start(0);
          let running: string[] = live.next(0, 2);
          let t = 1;
          for (const [i, step] of steps.entries()) {
            if (i === cut) {
              const copy = fresh();
              copy.restore(snapshotOf(live, 0));
              expect(copy.hostCounts()).toEqual(live.hostCounts());
              live = copy;
            }
            if (running.length === 0) break;
            const host = running[step.pick % running.length] as string;
            running = running.filter((h) => h !== host);
            const outcome: HostOutcome = step.fail ? 'failed' : 'succeeded';
            live.finish(host, outcome, t++);
            running.push(...live.next(t++, step.cap));
            if (running.length === 0) running.push(...live.next(t++));
          }
          // The same steps without a restore reach the same states.
          const ref = fresh();
          ref.start(0);
          let refRunning = ref.next(0, 2);
          t = 1;
          for (const step of steps) {
            if (refRunning.length === 0) break;
            const host = refRunning[step.pick % refRunning.length] as string;
            refRunning = refRunning.filter((h) => h !== host);
            ref.finish(host, step.fail ? 'failed' : 'succeeded', t++);
            refRunning.push(...ref.next(t++, step.cap));
            if (refRunning.length === 0) refRunning.push(...ref.next(t++));
          }
          expect(live.plan.hosts.map((h) => live.hostState(h))).toEqual(
            ref.plan.hosts.map((h) => ref.hostState(h)),
          );
          expect(live.jobStateNow).toBe(ref.jobStateNow);
          expect(running).toEqual(refRunning);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a halted job restored from the store resumes its halted hosts; failed hosts hold their slots again', () => {
    const r = fresh('0');
    r.start(0);
    const first = r.next(1);
    r.finish(first[0] as string, 'failed', 2); // budget 0: halts, drains the other running hosts
    for (const h of first.slice(1)) r.finish(h, 'succeeded', 3);
    expect(r.jobStateNow).toBe('halted');
    const copy = fresh('0');
    copy.restore(snapshotOf(r, 0));
    expect(copy.jobStateNow).toBe('halted');
    expect(copy.reason).toBe('failure budget exhausted');
    copy.retry([first[0] as string], 10, 'alice');
    r.retry([first[0] as string], 10, 'alice');
    expect(copy.next(11)).toEqual(r.next(11));
  });

  it('refuses a snapshot of another size and a running host in a finished job', () => {
    const r = fresh();
    expect(() =>
      r.restore({ jobState: 'running', reason: '', startedAt: 0, hostStates: ['waiting'] }),
    ).toThrow(/stored hosts/);
    const states = r.plan.hosts.map((): HostState => 'succeeded');
    states[0] = 'running';
    expect(() =>
      fresh().restore({ jobState: 'failed', reason: 'x', startedAt: 0, hostStates: states }),
    ).toThrow(/runs in a failed job/);
  });
});
