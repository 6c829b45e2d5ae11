// The steps of one host task in its session: env, the task deadline, operator abort, sudo, labelled output.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecOptions, ExecResult, Session } from '../transport/index.ts';
import type { OutputCollector } from './output-collector.ts';
import { SudoPromptAnswerer, sudoCommand, sudoPrefix } from './sudo.ts';
import type { SudoVerdict } from './sudo.ts';
import type { HostTask, OutputSource } from './types.ts';

/** How one step ended: its exec result, and the sudo verdict when Pogo stopped it over a password. */
export interface StepResult {
  readonly result: ExecResult;
  readonly sudo?: SudoVerdict | undefined;
}

/** A step that did not run because the task's time was already up. */
const EXPIRED: ExecResult = { exitCode: null, signal: null, timedOut: true, aborted: false, durationMs: 0 };

/** Runs the steps of one task; all share the task's deadline and the operator's signal. */
export class TaskSteps {
  private readonly deadline: number;
  readonly env: Readonly<Record<string, string>>;

  constructor(
    private readonly session: Session,
    private readonly task: HostTask,
    private readonly out: OutputCollector,
    private readonly password: string | undefined,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.deadline = performance.now() + task.timeoutMs;
    this.env = { POGO_HOST: task.host, POGO_JOB_ID: task.jobId, POGO_NAMESPACE: task.namespace };
  }

  /** Milliseconds left of the task's timeout. */
  remaining(): number {
    return Math.max(0, this.deadline - performance.now());
  }

  /** True when the operator's signal fired. */
  get aborted(): boolean {
    return this.signal?.aborted === true;
  }

  /** Run `command` (as `task.runAs` through sudo when `asUser`), its output labelled `source`. */
  async run(source: OutputSource, command: string, asUser = true): Promise<StepResult> {
    const timeoutMs = this.remaining();
    if (timeoutMs <= 0) return { result: EXPIRED };
    const runAs = asUser ? this.task.runAs : undefined;
    const stop = new AbortController();
    const sudo = runAs === undefined ? undefined : new SudoPromptAnswerer(this.password, () => stop.abort());
    // Only sudo's answerer stops a step by itself; without it the caller's signal is enough (AbortSignal.any
    // is costly at thousands of tasks per second).
    const signal =
      sudo === undefined
        ? this.signal
        : this.signal
          ? AbortSignal.any([this.signal, stop.signal])
          : stop.signal;
    const options: ExecOptions = {
      env: this.env,
      timeoutMs,
      signal,
      onOutput: (chunk) => this.out.add(source, chunk),
    };
    const result =
      runAs === undefined || sudo === undefined
        ? await this.session.exec(command, options)
        : await this.session.exec(sudoCommand(runAs, command, this.env), {
            ...options,
            pty: true,
            onPrompt: sudo.handle,
            killAs: (script) => this.killAs(runAs, script),
          });
    return { result, sudo: sudo?.verdict };
  }

  /** Pogo's kill script through sudo as `runAs`, answering sudo's prompt the same way (once). */
  private killAs(runAs: string, script: string): { command: string; options: ExecOptions } {
    const stop = new AbortController();
    const sudo = new SudoPromptAnswerer(this.password, () => stop.abort());
    return {
      command: `${sudoPrefix(runAs)} ${script}`,
      options: { pty: true, onPrompt: sudo.handle, signal: stop.signal },
    };
  }

  /** Run a Pogo-internal command (no sudo); its stdout is returned, not recorded. */
  async probe(command: string): Promise<{ result: ExecResult; stdout: string }> {
    const timeoutMs = this.remaining();
    if (timeoutMs <= 0) return { result: EXPIRED, stdout: '' };
    let stdout = '';
    const result = await this.session.exec(command, {
      env: this.env,
      timeoutMs,
      ...(this.signal ? { signal: this.signal } : {}),
      onOutput: (c) => void (c.stream === 'stdout' ? (stdout += c.data.toString('utf8')) : undefined),
    });
    return { result, stdout };
  }

  /** Clean-up that must run even after a timeout or a kill: its own short timeout, no operator signal. */
  async cleanup(command: string): Promise<void> {
    await this.session.exec(command, { timeoutMs: 10_000 }).catch(() => undefined);
  }

  /** Upload within the task's deadline; false when the deadline or the operator's signal stopped it. */
  async upload(path: string, data: Buffer): Promise<boolean> {
    const timer = new AbortController();
    const expired = sleep(this.remaining(), undefined, { signal: timer.signal }).then(
      () => true,
      () => false,
    );
    const upload = new AbortController();
    void expired.then((hit) => hit && upload.abort());
    const signal = this.signal ? AbortSignal.any([this.signal, upload.signal]) : upload.signal;
    try {
      await this.session.upload(path, data, { signal });
      return true;
    } catch (e: unknown) {
      if (signal.aborted) return false;
      throw e;
    } finally {
      timer.abort();
    }
  }

  /** Wait `ms` (cut short by the deadline); false when the operator's signal fired. */
  async pause(ms: number): Promise<boolean> {
    try {
      await sleep(Math.min(ms, this.remaining()), undefined, this.signal ? { signal: this.signal } : {});
      return true;
    } catch {
      return false;
    }
  }
}
