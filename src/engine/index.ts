// Pure scheduling: plans, rollouts, the namespace ledger, flows and the simulator. No I/O, time passed in.
export { buildPlan, JOB_GROUP_ID } from './plan.ts';
export type { Plan, PlanGroup, PlanOptions, PlanSlot, PlanThread } from './plan.ts';
export { ConstraintLedger, hasRoom } from './ledger.ts';
export type { LedgerEntry } from './ledger.ts';
export { Rollout } from './rollout.ts';
export type { HostCounts, RolloutOptions, RolloutSnapshot } from './rollout.ts';
export { FlowRun, requiredSuccesses } from './flow.ts';
export type { FlowJobSpec, FlowLaunch, FlowSpec, FlowState, FlowStep } from './flow.ts';
export { simulate } from './simulate.ts';
export type { GroupPeak, SimAction, SimEvent, SimJob, SimResult, SimulateOptions } from './simulate.ts';
export { hashString, seededRandom } from './random.ts';
