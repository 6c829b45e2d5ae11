// Host and job states (ARCHITECTURE.md §4) and the predicates the engine and UI share.

export const HOST_STATES = [
  'waiting',
  'ready',
  'running',
  'succeeded',
  'failed',
  'unreachable',
  'timed_out',
  'lost',
  'skipped',
  'halted',
] as const;
export type HostState = (typeof HOST_STATES)[number];

/** Outcomes a worker (or the simulator) reports for a host that ran. */
export const HOST_OUTCOMES = ['succeeded', 'failed', 'unreachable', 'timed_out', 'lost'] as const;
export type HostOutcome = (typeof HOST_OUTCOMES)[number];

/**
 * `needs-password`: the job was submitted with the operator's password (or key) and the server lost it
 * (restart, failover); nothing new starts until `pogo resume JOB --password`.
 */
export const JOB_STATES = ['pending', 'running', 'needs-password', 'succeeded', 'failed', 'halted'] as const;
export type JobState = (typeof JOB_STATES)[number];

const FAILED: ReadonlySet<HostState> = new Set(['failed', 'unreachable', 'timed_out', 'lost']);
const FINISHED: ReadonlySet<HostState> = new Set([
  'succeeded',
  'failed',
  'unreachable',
  'timed_out',
  'lost',
  'skipped',
]);

/** A host that ran and did not succeed: it counts against the failure budget and keeps its slots. */
export function isFailedState(s: HostState): boolean {
  return FAILED.has(s);
}

/** A host that is done for ordering purposes (failures are finished; the budget decides the rest). */
export function isFinishedState(s: HostState): boolean {
  return FINISHED.has(s);
}

/** A job state that no longer changes without an operator. */
export function isTerminalJobState(s: JobState): boolean {
  return s === 'succeeded' || s === 'failed' || s === 'halted';
}
