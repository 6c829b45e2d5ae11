// The task template of a submitted job: the request's fields with the documented defaults filled in.
import type { SubmitJobRequest, TaskSpec } from '../model/index.ts';

/** Defaults of a host task (the same as `pogo one`). */
export const TASK_DEFAULTS = {
  timeoutMs: 600_000,
  retries: 0,
  retryDelayMs: 5_000,
  outputCapBytes: 1024 * 1024,
  preDir: '/etc/pogo/pre.d',
  postDir: '/etc/pogo/post.d',
} as const;

/** The TaskSpec a request asks for. */
export function taskSpecOf(r: SubmitJobRequest): TaskSpec {
  const h = r.hooks ?? {};
  return {
    command: r.command,
    ...(r.file
      ? { file: { name: r.file.name, contentBase64: r.file.contentBase64, args: [...r.file.args] } }
      : {}),
    ...(r.runAs !== undefined ? { runAs: r.runAs } : {}),
    hooks: {
      pre: h.pre ?? true,
      post: h.post ?? true,
      preDir: h.preDir ?? TASK_DEFAULTS.preDir,
      postDir: h.postDir ?? TASK_DEFAULTS.postDir,
      inlinePre: [...(h.inlinePre ?? [])],
      inlinePost: [...(h.inlinePost ?? [])],
    },
    timeoutMs: r.timeoutMs ?? TASK_DEFAULTS.timeoutMs,
    retries: r.retries ?? TASK_DEFAULTS.retries,
    retryDelayMs: r.retryDelayMs ?? TASK_DEFAULTS.retryDelayMs,
    outputCapBytes: r.outputCapBytes ?? TASK_DEFAULTS.outputCapBytes,
  };
}
