// Drives rollouts: the in-process driver of `pogo one`, and the store-backed dispatcher of `pogo server`.
export { LocalJob } from './local-job.ts';
export type { HostExecutor, HostRun, LocalJobOptions, LocalJobSummary } from './local-job.ts';
export type { NamespaceCheck, PogoService, Unsubscribe } from './service.ts';
export type { WorkerChannel, WorkerChannelHandler } from './worker-channel.ts';
