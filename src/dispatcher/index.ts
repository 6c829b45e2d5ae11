// Drives rollouts: for now the in-process driver of `pogo one`; the store-backed dispatcher comes with the server.
export { LocalJob } from './local-job.ts';
export type { HostExecutor, HostRun, LocalJobOptions, LocalJobSummary } from './local-job.ts';
