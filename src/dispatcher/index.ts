// Drives rollouts: the in-process driver of `pogo one`, and the store-backed dispatcher of `pogo server`.
export { LocalJob } from './local-job.ts';
export type { HostExecutor, HostRun, LocalJobOptions, LocalJobSummary } from './local-job.ts';
export type { NamespaceCheck, PogoService, Unsubscribe } from './service.ts';
export type { LinkCertificate, WorkerChannel, WorkerChannelHandler } from './worker-channel.ts';
export { startWorkerLinkServer } from './worker-link-server.ts';
export type { WorkerLinkServer, WorkerLinkServerOptions } from './worker-link-server.ts';
export { connectInProcess } from './in-process-link.ts';
export type { InProcessLink, InProcessLinkOptions } from './in-process-link.ts';
export { LinkSession } from './link-session.ts';
export type { LinkSessionOptions, LinkWire } from './link-session.ts';
export { Dispatcher } from './dispatcher.ts';
export type { DispatcherOptions } from './dispatcher.ts';
export { ServerService, newJobId } from './server-service.ts';
export { silentLogger } from './logger.ts';
export type { Logger } from './logger.ts';
export { EventHub } from './event-hub.ts';
export { ProgressWriter } from './progress-writer.ts';
export { TASK_DEFAULTS as SERVER_TASK_DEFAULTS, taskSpecOf } from './task-spec.ts';
