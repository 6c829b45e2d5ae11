// Counts of a job's hosts by state: kept by the engine, stored with the job, shown by the CLI and UI.
import type { HostState } from './states.ts';
import { HOST_STATES } from './states.ts';

/** Counts of hosts by state. */
export type HostCounts = Record<HostState, number>;

/** Every state at zero. */
export function emptyCounts(): HostCounts {
  const c = {} as HostCounts;
  for (const s of HOST_STATES) c[s] = 0;
  return c;
}
