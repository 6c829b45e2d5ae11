// Runs one host task over a transport: one session; pre-hooks, the command (upload, sudo, retries), post-hooks.
import { randomBytes } from 'node:crypto';
import type { HostOutcome } from '../model/index.ts';
import { isPogoError } from '../model/index.ts';
import type { Session, Target, Transport } from '../transport/index.ts';
import { shellQuote } from '../transport/index.ts';
import { hookSteps, listHooksScript } from './hooks.ts';
import { OutputCollector } from './output-collector.ts';
import { TaskSteps } from './task-steps.ts';
import type { StepResult } from './task-steps.ts';
import type { HostTask, HostTaskResult, TaskOutputChunk } from './types.ts';

/** Options of {@link runHostTask}. */
export interface RunHostTaskOptions {
  /** For SSH password authentication and sudo prompts; never logged or reported. */
  readonly password?: string | undefined;
  /** The operator's SSH private key (text), used in memory for this task's login; never logged or written. */
  readonly privateKey?: string | undefined;
  /** Values masked as `****` in the output (the password is always masked too). */
  readonly secrets?: readonly string[] | undefined;
  /** The operator's kill: the running step is stopped and the host `failed` with `killed by operator`. */
  readonly signal?: AbortSignal | undefined;
  /** Each output chunk as it is kept (after the cap). */
  readonly onOutput?: ((chunk: TaskOutputChunk) => void) | undefined;
  /** Clock for startedAt/endedAt and Pogo's notes (default Date.now). */
  readonly now?: (() => number) | undefined;
}

/** How a task ended, before the common fields are added. */
interface Ending {
  readonly outcome: HostOutcome;
  readonly message: string;
  readonly exitCode?: number | null;
  readonly signal?: string | null;
  readonly errorCode?: string | undefined;
}

const KILLED: Ending = { outcome: 'failed', message: 'killed by operator' };

/**
 * Run `task` on `target`: open one session (a failure makes the host `unreachable`), then in it the
 * pre-hooks (a failing one stops the task before the command), the command (uploaded first with
 * `file`, through sudo with `runAs`, re-run up to `retries` times on failure), and after success the
 * post-hooks. The timeout covers hooks and command and kills the remote process group. Never throws.
 */
export async function runHostTask(
  transport: Transport,
  target: Target,
  task: HostTask,
  options: RunHostTaskOptions = {},
): Promise<HostTaskResult> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const masks = [...(options.secrets ?? []), ...(options.password !== undefined ? [options.password] : [])];
  const out = new OutputCollector(task.outputCapBytes, now, options.onOutput, masks);
  const progress = { attempts: 0 };
  const result = (e: Ending): HostTaskResult => {
    out.flush();
    return {
      outcome: e.outcome,
      exitCode: e.exitCode ?? null,
      signal: e.signal ?? null,
      startedAt,
      endedAt: now(),
      attempts: progress.attempts,
      output: out.chunks,
      truncated: out.truncated,
      message: e.message,
      ...(e.errorCode !== undefined ? { errorCode: e.errorCode } : {}),
    };
  };
  if (options.signal?.aborted) return result(KILLED);
  let session: Session;
  try {
    session = await transport.open(target, {
      signal: options.signal,
      password: options.password,
      privateKey: options.privateKey,
    });
  } catch (e: unknown) {
    if (options.signal?.aborted) return result(KILLED);
    const message = e instanceof Error ? e.message : String(e);
    return result({
      outcome: 'unreachable',
      message: `unreachable: ${message}`,
      errorCode: isPogoError(e) ? e.code : 'SSH_UNREACHABLE',
    });
  }
  const steps = new TaskSteps(session, task, out, options.password, options.signal);
  try {
    return result(await runSteps(steps, task, out, progress));
  } catch (e: unknown) {
    // The connection broke mid-task: the command may have run, so the host failed (it is not unreachable).
    if (options.signal?.aborted) return result(KILLED);
    return result({
      outcome: 'failed',
      message: e instanceof Error ? e.message : String(e),
      errorCode: isPogoError(e) ? e.code : undefined,
    });
  } finally {
    session.close();
  }
}

async function runSteps(
  steps: TaskSteps,
  task: HostTask,
  out: OutputCollector,
  progress: { attempts: number },
): Promise<Ending> {
  if (task.hooks.pre) {
    const failed = await runHooks(steps, 'pre', task.hooks.preDir, task.hooks.inlinePre, task);
    if (failed) return failed;
  }
  const prepared = await prepareCommand(steps, task);
  if ('outcome' in prepared) return prepared;
  const { command, remove } = prepared;
  let last: StepResult;
  try {
    for (;;) {
      progress.attempts++;
      last = await steps.run('command', command);
      const end = ending(last, 'command', task);
      if (!end || last.result.timedOut || last.result.aborted || last.sudo) break;
      if (progress.attempts > task.retries) break;
      out.note(
        `[pogo: attempt ${progress.attempts} of ${task.retries + 1} failed (${end.message}); ` +
          `retrying in ${formatMs(task.retryDelayMs)}]`,
      );
      if (!(await steps.pause(task.retryDelayMs))) return KILLED;
    }
  } finally {
    if (remove !== undefined) await steps.cleanup(remove);
  }
  const end = ending(last, 'command', task);
  if (end) return end;
  if (task.hooks.post) {
    const failed = await runHooks(steps, 'post', task.hooks.postDir, task.hooks.inlinePost, task);
    if (failed) return failed;
  }
  return { outcome: 'succeeded', message: 'ok', exitCode: 0 };
}

/** The command line to run; with `file`, the script is uploaded first and `remove` deletes it afterwards. */
async function prepareCommand(
  steps: TaskSteps,
  task: HostTask,
): Promise<{ command: string; remove?: string } | Ending> {
  if (!task.file) return { command: task.command };
  const job = task.jobId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
  const path = `/tmp/pogo-${job}-${randomBytes(6).toString('hex')}`;
  const remove = `rm -f ${shellQuote(path)}`;
  if (!(await steps.upload(path, task.file.content))) {
    await steps.cleanup(remove);
    return steps.aborted ? KILLED : timedOut(task, `uploading ${task.file.name}`);
  }
  // Others than root cannot read a 0700 file of the login user.
  if (task.runAs !== undefined && task.runAs !== 'root') await steps.cleanup(`chmod 755 ${shellQuote(path)}`);
  const words = [path, ...task.file.args].map(shellQuote).join(' ');
  return { command: task.command.trim() === '' ? words : `${words} ${task.command}`, remove };
}

/** Run a hook directory and the inline hooks; the first failure ends the task. */
async function runHooks(
  steps: TaskSteps,
  kind: 'pre' | 'post',
  dir: string,
  inline: readonly string[],
  task: HostTask,
): Promise<Ending | undefined> {
  const listing = await steps.probe(listHooksScript(dir));
  const listed = ending({ result: listing.result }, `listing ${kind}-hooks in ${dir}`, task);
  if (listed) return listed;
  for (const hook of hookSteps(dir, listing.stdout, inline)) {
    const end = ending(
      await steps.run(`${kind}:${hook.name}`, hook.command),
      `${kind}-hook ${hook.name}`,
      task,
    );
    if (end) return end;
  }
  return undefined;
}

/** How a step ended, or undefined when it succeeded. `what` names it in messages (`pre-hook 10-drain`). */
function ending(step: StepResult, what: string, task: HostTask): Ending | undefined {
  const r = step.result;
  const where = what === 'command' ? '' : ` (${what})`;
  if (step.sudo === 'TASK_SUDO_PASSWORD_REQUIRED') {
    return {
      outcome: 'failed',
      message: `sudo asked for a password and none was given${where}`,
      errorCode: step.sudo,
    };
  }
  if (step.sudo === 'TASK_SUDO_PASSWORD_REJECTED') {
    return { outcome: 'failed', message: `sudo rejected the password${where}`, errorCode: step.sudo };
  }
  if (r.timedOut) return timedOut(task, what === 'command' ? undefined : what);
  if (r.aborted) return KILLED;
  if (r.exitCode === 0 && r.signal === null) return undefined;
  const how =
    r.signal !== null
      ? `killed by signal ${r.signal}`
      : r.exitCode !== null
        ? `exit ${r.exitCode}`
        : 'no exit status';
  const message = what === 'command' ? how : r.signal !== null ? `${what} ${how}` : `${what} failed (${how})`;
  return { outcome: 'failed', message, exitCode: r.exitCode, signal: r.signal };
}

function timedOut(task: HostTask, during: string | undefined): Ending {
  const where = during === undefined ? '' : ` (in ${during})`;
  return { outcome: 'timed_out', message: `timed out after ${formatMs(task.timeoutMs)}${where}` };
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
