// Simulator: drives real Rollouts on a simulated clock with given durations, outcomes and operator actions.
import type { HostOutcome, JobState, LimitSpec, PogoEvent } from '../model/index.ts';
import { PogoError, isFailedState, isTerminalJobState } from '../model/index.ts';
import { ConstraintLedger } from './ledger.ts';
import type { LedgerEntry } from './ledger.ts';
import { MinHeap } from './min-heap.ts';
import type { Plan } from './plan.ts';
import type { HostCounts } from './rollout.ts';
import { Rollout } from './rollout.ts';

export interface SimJob {
  readonly id: string;
  readonly plan: Plan;
  readonly maxFailures?: LimitSpec | undefined;
  readonly timeoutMs?: number | undefined;
  /** When the job is submitted (ms since simulation start). Default 0. */
  readonly startAt?: number | undefined;
}

/** An operator action at a point in simulated time. */
export interface SimAction {
  readonly at: number;
  readonly job: string;
  readonly kind: 'halt' | 'resume' | 'retry' | 'skip';
  readonly hosts?: readonly string[];
  readonly by?: string;
}

export interface SimulateOptions {
  /** How long `host` runs on its `attempt`-th start (1-based), in ms. */
  readonly durationMs: (job: string, host: string, attempt: number) => number;
  readonly outcome: (job: string, host: string, attempt: number) => HostOutcome;
  readonly actions?: readonly SimAction[];
  /** Called after every host start, with every rollout (for invariant checks in tests). */
  readonly onStart?: (job: string, host: string, t: number, rollouts: readonly Rollout[]) => void;
  /** Keep events in the result (default true; benchmarks turn it off). */
  readonly keepEvents?: boolean;
}

export type SimEvent = PogoEvent & { readonly job: string };

export interface GroupPeak {
  readonly key: string;
  readonly label: string;
  readonly limit: number;
  /** Most hosts out of service at once (running + failed holding), namespace-wide. */
  readonly peak: number;
}

export interface SimResult {
  readonly events: SimEvent[];
  readonly eventCount: number;
  readonly makespanMs: number;
  readonly peaks: GroupPeak[];
  readonly jobs: { id: string; state: JobState; reason: string; counts: HostCounts }[];
}

type Item =
  | { kind: 'submit'; job: number }
  | { kind: 'finish'; job: number; host: string; outcome: HostOutcome }
  | { kind: 'action'; action: SimAction }
  | { kind: 'tick'; job: number };

/** Run every job to its end and return the trace. Throws INTERNAL if a job would hang. */
export function simulate(jobs: readonly SimJob[], options: SimulateOptions): SimResult {
  const ledger = new ConstraintLedger();
  const rollouts = jobs.map(
    (j) => new Rollout(j.plan, ledger, { jobId: j.id, maxFailures: j.maxFailures, timeoutMs: j.timeoutMs }),
  );
  const byId = new Map(jobs.map((j, i) => [j.id, i]));
  const heap = new MinHeap<Item>();
  jobs.forEach((j, i) => heap.push(j.startAt ?? 0, { kind: 'submit', job: i }));
  for (const a of options.actions ?? []) heap.push(a.at, { kind: 'action', action: a });
  const attempts = new Map<string, number>();
  const peaks = new Map<LedgerEntry, number>();
  const labels = new Map<string, string>();
  for (const j of jobs)
    for (const g of j.plan.groups) labels.set(g.id === '@job' ? `@job/${j.id}` : g.id, g.label);
  const keep = options.keepEvents ?? true;
  const events: SimEvent[] = [];
  let eventCount = 0;
  let now = 0;

  const collect = (): void => {
    rollouts.forEach((r) => {
      const evs = r.takeEvents();
      eventCount += evs.length;
      if (keep) for (const e of evs) events.push({ ...e, job: r.id });
    });
  };
  const apply = (item: Item): void => {
    if (item.kind === 'submit') {
      const r = rollouts[item.job] as Rollout;
      if (r.jobStateNow !== 'pending') return; // halted before it was submitted
      r.start(now);
      const d = r.deadline;
      if (d !== undefined) heap.push(d, { kind: 'tick', job: item.job });
    } else if (item.kind === 'finish') {
      rollouts[item.job]?.finish(item.host, item.outcome, now);
    } else if (item.kind === 'tick') {
      rollouts[item.job]?.tick(now);
    } else {
      applyAction(rollouts, byId, item.action, now);
    }
  };

  while (heap.size > 0) {
    now = heap.peekTime() as number;
    // Timeout checks come last at an instant: hosts finishing exactly at the deadline still count.
    const ticks: Item[] = [];
    while (heap.peekTime() === now) {
      const item = heap.pop() as Item;
      if (item.kind === 'tick') ticks.push(item);
      else apply(item);
    }
    ticks.forEach(apply);
    for (let pass = 0, changed = true; changed; pass++) {
      changed = false;
      rollouts.forEach((r, ji) => {
        if (r.jobStateNow !== 'running') return;
        for (const host of r.next(now)) {
          changed = true;
          const key = `${ji}\u0000${host}`;
          const attempt = (attempts.get(key) ?? 0) + 1;
          attempts.set(key, attempt);
          const ms = Math.max(0, options.durationMs(r.id, host, attempt));
          heap.push(now + ms, {
            kind: 'finish',
            job: ji,
            host,
            outcome: options.outcome(r.id, host, attempt),
          });
          for (const e of r.entriesOf(host)) {
            if (!e.key.startsWith('@host/')) peaks.set(e, Math.max(peaks.get(e) ?? 0, e.running + e.held));
          }
          options.onStart?.(r.id, host, now, rollouts);
        }
      });
      changed ||= rollouts.some((r) => r.jobStateNow === 'running' && r.wantsEvaluation);
      // Each extra pass needs a job to end or start hosts, so this settles; the bound only guards bugs.
      if (changed && pass > 4 * rollouts.length + 8)
        throw new PogoError('INTERNAL', 'simulation did not settle');
    }
    collect();
  }
  const hung = rollouts.find((r) => !isTerminalJobState(r.jobStateNow) && r.jobStateNow !== 'pending');
  if (hung) throw new PogoError('INTERNAL', `simulation ended with job ${hung.id} still ${hung.jobStateNow}`);
  return {
    events,
    eventCount,
    makespanMs: now,
    peaks: [...peaks].map(([e, peak]) => ({
      key: e.key,
      label: labels.get(e.key) ?? e.key,
      limit: e.limit,
      peak,
    })),
    jobs: rollouts.map((r) => ({ id: r.id, state: r.jobStateNow, reason: r.reason, counts: r.hostCounts() })),
  };
}

function applyAction(
  rollouts: readonly Rollout[],
  byId: ReadonlyMap<string, number>,
  a: SimAction,
  now: number,
): void {
  const r = rollouts[byId.get(a.job) ?? -1];
  if (!r) throw new PogoError('USAGE', `action on unknown job ${a.job}`);
  // Actions apply to the hosts that are in a state allowing them (the operator's view at that moment).
  const hosts = (a.hosts ?? []).filter((h) => {
    const s = r.hostState(h);
    return a.kind === 'retry' ? isFailedState(s) : s !== 'running' && s !== 'succeeded' && s !== 'skipped';
  });
  if (a.kind === 'halt') r.halt(now, a.by ? `halted by ${a.by}` : 'halted');
  else if (a.kind === 'resume' && (r.jobStateNow === 'halted' || r.draining)) r.resume(now, a.by);
  else if (a.kind === 'retry' && hosts.length) r.retry(hosts, now, a.by);
  else if (a.kind === 'skip' && hosts.length) r.skip(hosts, now, a.by);
}
