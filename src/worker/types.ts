// A host task: what the worker runs on one target (pre-hooks, command, post-hooks) and what comes back.
import type { HostOutcome } from '../model/index.ts';
import type { OutputStream } from '../transport/types.ts';

export interface HookOptions {
  /** Run pre-hooks / post-hooks at all (`--no-hooks` turns both off). */
  readonly pre: boolean;
  readonly post: boolean;
  /** Directories of executables run in run-parts order on the target. */
  readonly preDir: string;
  readonly postDir: string;
  /** Per-job inline hooks (shell snippets), run after the directory's hooks. */
  readonly inlinePre: readonly string[];
  readonly inlinePost: readonly string[];
}

export interface HostTask {
  readonly jobId: string;
  readonly namespace: string;
  readonly host: string;
  /** Shell command line run on the target. With `file`, the uploaded script's path is prefixed to it. */
  readonly command: string;
  /** `--file SCRIPT`: a local script copied to the target, run with `args`, removed afterwards. */
  readonly file?:
    { readonly name: string; readonly content: Buffer; readonly args: readonly string[] } | undefined;
  /** `--run-as USER`: run the command through sudo as this user. */
  readonly runAs?: string | undefined;
  readonly hooks: HookOptions;
  /** Per-host timeout for the whole task (hooks included), ms. Default 600,000. */
  readonly timeoutMs: number;
  /** Re-run a failing command up to this many times (opt-in), `retryDelayMs` apart. */
  readonly retries: number;
  readonly retryDelayMs: number;
  /** Output kept per host, bytes (default 1 MiB); beyond it a visible truncation marker. */
  readonly outputCapBytes: number;
}

/** Which part of the task a piece of output came from. */
export type OutputSource = `pre:${string}` | 'command' | `post:${string}` | 'pogo';

export interface TaskOutputChunk {
  readonly t: number;
  readonly stream: OutputStream | 'pogo';
  readonly source: OutputSource;
  readonly data: Buffer;
}

export interface HostTaskResult {
  readonly outcome: HostOutcome;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly startedAt: number;
  readonly endedAt: number;
  /** How many times the command ran (1 + retries used). 0 when a pre-hook failed or the host was unreachable. */
  readonly attempts: number;
  /** Captured output, capped at `outputCapBytes` in total; `truncated` tells when bytes were dropped. */
  readonly output: readonly TaskOutputChunk[];
  readonly truncated: boolean;
  /** One line for humans: `exit 3`, `pre-hook 10-drain failed (exit 1)`, `unreachable: connection refused`. */
  readonly message: string;
  /** Error code for unreachable/host-key/auth failures (`SSH_HOSTKEY_MISMATCH`, …). */
  readonly errorCode?: string | undefined;
}
