// Conversions between link messages and host tasks: a `task` message → HostTask, a HostTaskResult → `result` fields.
import type { ResultMessage, TaskKey, TaskMessage } from './link-protocol.ts';
import type { HostTask, HostTaskResult } from './types.ts';

/** The HostTask a `task` message describes (the script's base64 content decoded). */
export function hostTaskOf(message: TaskMessage): HostTask {
  const spec = message.spec;
  return {
    jobId: message.job,
    namespace: message.namespace,
    host: message.host,
    command: spec.command,
    file: spec.file
      ? {
          name: spec.file.name,
          content: Buffer.from(spec.file.contentBase64, 'base64'),
          args: spec.file.args,
        }
      : undefined,
    runAs: spec.runAs,
    hooks: spec.hooks,
    timeoutMs: spec.timeoutMs,
    retries: spec.retries,
    retryDelayMs: spec.retryDelayMs,
    outputCapBytes: spec.outputCapBytes,
  };
}

/** The `result` message of a finished task, without `chunks` (the outbox knows how many it sent). */
export function resultFields(key: TaskKey, r: HostTaskResult): Omit<ResultMessage, 'chunks'> {
  return {
    type: 'result',
    job: key.job,
    host: key.host,
    attempt: key.attempt,
    outcome: r.outcome,
    exitCode: r.exitCode,
    signal: r.signal === null ? null : r.signal.slice(0, 50),
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    attempts: r.attempts,
    message: r.message.slice(0, 10_000),
    ...(r.errorCode !== undefined ? { errorCode: r.errorCode.slice(0, 100) } : {}),
    truncated: r.truncated,
  };
}

/** A result for a task that could not run at all (a bug: runHostTask never throws, targetOf might). */
export function failedResult(now: number, message: string): HostTaskResult {
  return {
    outcome: 'failed',
    exitCode: null,
    signal: null,
    startedAt: now,
    endedAt: now,
    attempts: 0,
    output: [],
    truncated: false,
    message,
    errorCode: 'INTERNAL',
  };
}
