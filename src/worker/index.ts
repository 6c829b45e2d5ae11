// Runs one host task on a target through a transport: pre-hooks, command, post-hooks, timeout, output.
export type { HookOptions, HostTask, HostTaskResult, OutputSource, TaskOutputChunk } from './types.ts';
export { runHostTask } from './run-host-task.ts';
export type { RunHostTaskOptions } from './run-host-task.ts';
export { escapeBytes, renderOutputText } from './render-output.ts';
export { OutputCollector } from './output-collector.ts';
export { HOOK_NAME, hookSteps, listHooksScript } from './hooks.ts';
export type { HookStep } from './hooks.ts';
export { SUDO_PROMPT, SudoPromptAnswerer, sudoCommand } from './sudo.ts';
export type { SudoVerdict } from './sudo.ts';
export {
  LINK_PROTOCOL_VERSION,
  dispatcherMessageSchema,
  hostConnectSchema,
  taskKeyString,
  taskSpecSchema,
  workerMessageSchema,
} from './link-protocol.ts';
export type {
  CancelMessage,
  DispatcherMessage,
  HelloMessage,
  OutputMessage,
  RefuseMessage,
  ResultMessage,
  TaskKey,
  TaskMessage,
  WelcomeMessage,
  WorkerMessage,
} from './link-protocol.ts';
export { WorkerAgent } from './worker-agent.ts';
export { withConnect } from './connect-target.ts';
export type { HeldTaskInfo, LinkConnection, WorkerAgentOptions, WorkerIdentity } from './agent-options.ts';
export { workerIdentity } from './identity.ts';
export { MASK, SecretMasker, loadSecretsDir, resolveSecretRefs, secretNames } from './secrets.ts';
export type { StopOptions } from './stop-gate.ts';
export { checkLinkUrl, checkTlsMaterial, connectWorker } from './link-client.ts';
export type { ConnectWorkerOptions, WorkerLink, WorkerTls } from './link-client.ts';
export { silentLinkLogger } from './link-log.ts';
export type { LinkLogger } from './link-log.ts';
export {
  CLOSE_GOING_AWAY,
  CLOSE_PROTOCOL_ERROR,
  CLOSE_STOPPED_EMPTY,
  DEFAULT_HEARTBEAT_MS,
  HELLO_TIMEOUT_MS,
  LINK_MAX_PAYLOAD_BYTES,
  backoffDelay,
  closeReason,
  frameText,
  isLoopbackHost,
  parseLinkFrame,
} from './link-rules.ts';
export type { ParsedFrame } from './link-rules.ts';
export { checkOwnCertificate, serverIdentityCheck, tlsRefusalReason } from './link-certs.ts';
export type { LinkTlsMaterial } from './link-certs.ts';
