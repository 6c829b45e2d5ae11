// Small helpers of the rollout: host counts, the failure budget as a count, transition errors.
import type { LimitSpec } from '../model/index.ts';
import { PogoError, emptyCounts } from '../model/index.ts';
import type { HostCounts } from '../model/index.ts';

export { emptyCounts };
export type { HostCounts };

/** The failure budget as a count: `N`, or `N%` of the job's hosts (floor, so 10% of 5 hosts allows 0). */
export function budget(spec: LimitSpec, hosts: number): number {
  return spec.kind === 'count' ? spec.value : Math.floor((spec.value * hosts) / 100);
}

export function badTransition(message: string): PogoError {
  return new PogoError('ENGINE_BAD_TRANSITION', message);
}
