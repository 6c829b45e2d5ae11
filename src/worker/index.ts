// Runs one host task on a target through a transport: pre-hooks, command, post-hooks, timeout, output.
export type { HookOptions, HostTask, HostTaskResult, OutputSource, TaskOutputChunk } from './types.ts';
