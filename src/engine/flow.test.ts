// Flow tests: Roadrunner's slot barrier and per-job success thresholds, with real rollouts underneath.
import { describe, expect, it } from 'vitest';
import { parseLimit } from '../model/index.ts';
import type { FlowSpec, FlowStep } from './flow.ts';
import { FlowRun, requiredSuccesses } from './flow.ts';
import { buildPlan } from './plan.ts';
import { simulate } from './simulate.ts';

const range = (p: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${p}${i + 1}`);

/** The seed's example: pkg1 on db[1-10] and pkg2 on api[1-6], then restart apache on fe[1-100] at 50%. */
const seedFlow: FlowSpec = {
  name: 'deploy',
  slots: [
    [
      { name: 'pkg1', targets: range('db', 10), command: 'install pkg1', threshold: parseLimit('80%') },
      { name: 'pkg2', targets: range('api', 6), command: 'install pkg2' },
    ],
    [
      {
        name: 'apache',
        targets: range('fe', 100),
        command: 'restart apache',
        parallelism: parseLimit('50%'),
      },
    ],
  ],
};

/** Run a flow with the simulator: each launched job is a real rollout; `failing` hosts fail. */
function runFlow(spec: FlowSpec, failing: ReadonlySet<string>): { steps: FlowStep[]; launched: string[] } {
  const flow = new FlowRun(spec);
  const steps: FlowStep[] = [flow.start()];
  const launched: string[] = [];
  for (let step = steps[0]; step?.kind === 'launch';) {
    const results = simulate(
      step.launches.map((l) => ({
        id: l.job.name,
        plan: buildPlan(undefined, l.job.targets, { maxParallel: l.job.parallelism }),
        maxFailures: l.maxFailures,
      })),
      { durationMs: () => 10, outcome: (_j, h) => (failing.has(h) ? 'failed' : 'succeeded') },
    );
    launched.push(...step.launches.map((l) => l.job.name));
    let next: FlowStep = { kind: 'wait' };
    for (const j of results.jobs) {
      next = flow.jobEnded(
        j.id,
        j.counts.succeeded,
        Object.values(j.counts).reduce((a, b) => a + b, 0),
      );
      steps.push(next);
    }
    step = next;
  }
  return { steps, launched };
}

describe('flows', () => {
  it('slot 2 starts only when every job of slot 1 met its threshold (80% of 10 allows 2 failures)', () => {
    const { steps, launched } = runFlow(seedFlow, new Set(['db1', 'db2']));
    expect(launched).toEqual(['pkg1', 'pkg2', 'apache']);
    expect(steps.at(-1)).toMatchObject({ kind: 'done', state: 'succeeded' });
  });

  it('a job below its threshold fails the flow and the next slot never starts', () => {
    const { steps, launched } = runFlow(seedFlow, new Set(['db1', 'db2', 'db3']));
    expect(launched).toEqual(['pkg1', 'pkg2']);
    expect(steps.find((s) => s.kind === 'done')).toMatchObject({
      kind: 'done',
      state: 'failed',
      reason: 'job pkg1 in slot 1: 7/10 succeeded, threshold 80% needs 8',
    });
  });

  it('the threshold becomes the job failure budget, so a hopeless job halts early', () => {
    const flow = new FlowRun(seedFlow);
    const step = flow.start();
    expect(
      step.kind === 'launch' && step.launches.map((l) => [l.job.name, l.required, l.maxFailures.value]),
    ).toEqual([
      ['pkg1', 8, 2],
      ['pkg2', 6, 0],
    ]);
    expect(requiredSuccesses(parseLimit('80%'), 9)).toBe(8);
    expect(requiredSuccesses(parseLimit(3), 2)).toBe(2);
  });
});
