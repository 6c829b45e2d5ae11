// Small helpers of the rollout: host counts, the failure budget as a count, transition errors.
import type { HostState, LimitSpec } from '../model/index.ts';
import { PogoError } from '../model/index.ts';

/** Counts of hosts by state. */
export type HostCounts = Record<HostState, number>;

export function emptyCounts(): HostCounts {
  return {
    waiting: 0,
    ready: 0,
    running: 0,
    succeeded: 0,
    failed: 0,
    unreachable: 0,
    timed_out: 0,
    lost: 0,
    skipped: 0,
    halted: 0,
  };
}

/** The failure budget as a count: `N`, or `N%` of the job's hosts (floor, so 10% of 5 hosts allows 0). */
export function budget(spec: LimitSpec, hosts: number): number {
  return spec.kind === 'count' ? spec.value : Math.floor((spec.value * hosts) / 100);
}

export function badTransition(message: string): PogoError {
  return new PogoError('ENGINE_BAD_TRANSITION', message);
}
