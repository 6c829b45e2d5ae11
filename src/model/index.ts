// Domain types shared by every layer (and the web UI): errors, limits, states, events, config model.
export { ERROR_CODES, PogoError, isPogoError } from './errors.ts';
export type { ErrorCode, PogoErrorOptions, SourcePosition } from './errors.ts';
export { formatLimit, parseLimit, resolveLimit } from './limit.ts';
export type { LimitSpec } from './limit.ts';
export {
  HOST_OUTCOMES,
  HOST_STATES,
  JOB_STATES,
  isFailedState,
  isFinishedState,
  isTerminalJobState,
} from './states.ts';
export type { HostOutcome, HostState, JobState } from './states.ts';
export type { EventMap, EventType, HostOutcomeEvent, PogoEvent } from './events.ts';
export type {
  Chain,
  ChainStage,
  ConstraintGroup,
  HostConnect,
  NamespaceConfig,
  NotifyEvent,
  NotifyTarget,
} from './config.ts';
export { NOTIFY_EVENTS } from './config.ts';
export { emptyCounts } from './counts.ts';
export { hostColumns } from './host-columns.ts';
export type { HostCounts } from './counts.ts';
export type {
  AuditRecord,
  EventRecord,
  HostRecord,
  JobNoteEvent,
  JobOptions,
  JobRecord,
  NamespaceVersion,
  OutputChunkRecord,
  Page,
  TaskSpec,
  WorkerInfo,
} from './records.ts';
export type { SealedBox, SealedEnvelope, WorkerCertificate } from './envelope.ts';
export type {
  Actor,
  ApiErrorBody,
  JobView,
  PlanPreview,
  Role,
  RoleGrant,
  SubmitJobRequest,
  TagList,
  TargetsPreview,
  TokenInfo,
  UserView,
} from './api-types.ts';
export type {
  GroupUsage,
  JobPlanView,
  JobSnapshot,
  NamespaceOverview,
  OutputGroup,
  OutputGroups,
} from './insight-types.ts';
export { ROLES, grantsOf, hasRole, highestRole, roleRank } from './roles.ts';
