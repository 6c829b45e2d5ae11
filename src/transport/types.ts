// The transport contract: open a session to a target, run commands in it, stream output, report how it ended.

/** How to reach one target. `host` is the name Pogo knows it by; the rest come from ssh_config or the inventory. */
export interface Target {
  readonly host: string;
  /** Address to connect to (default: `host`). */
  readonly hostname?: string | undefined;
  readonly port?: number | undefined;
  readonly user?: string | undefined;
  readonly identityFiles?: readonly string[] | undefined;
  /** Name to look up in known_hosts (OpenSSH HostKeyAlias); default `hostname` (else `host`), as `[name]:port` off port 22, as ssh files it. */
  readonly hostKeyAlias?: string | undefined;
  /** `user@host:port` of a jump host (ProxyJump). */
  readonly jump?: string | undefined;
}

export type OutputStream = 'stdout' | 'stderr';

/** One piece of output as it arrived. `t` is ms since the epoch. Bytes are kept as they came (lossless). */
export interface OutputChunk {
  readonly t: number;
  readonly stream: OutputStream;
  readonly data: Buffer;
}

export interface ExecOptions {
  /** Environment for the remote command (POGO_HOST, POGO_JOB_ID, POGO_NAMESPACE, …), set whatever AcceptEnv says. */
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly stdin?: Buffer | string | undefined;
  /** Allocate a pseudo-terminal (needed to answer sudo prompts; merges stderr into stdout). */
  readonly pty?: boolean | undefined;
  /** Kill the remote command after this long: TERM, then KILL, then close. */
  readonly timeoutMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly onOutput?: ((chunk: OutputChunk) => void) | undefined;
  /** Called for each chunk of pty output so a caller can answer prompts (e.g. sudo's password prompt). */
  readonly onPrompt?: ((text: string, reply: (s: string) => void) => void) | undefined;
  /**
   * For a command that switches user (sudo) and prints its own process-group marker inside: how to run
   * Pogo's kill script as that user, so a timeout or abort also stops what runs there.
   */
  readonly killAs?:
    ((script: string) => { readonly command: string; readonly options?: ExecOptions }) | undefined;
}

/** How a remote command ended. `timedOut` means Pogo killed it; `aborted` means the caller's signal fired. */
export interface ExecResult {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  readonly durationMs: number;
}

/** An open connection to one target; several commands may run in it one after another. */
export interface Session {
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Write a file on the target (mode 0700), for `--file`. */
  upload(remotePath: string, data: Buffer, options?: { signal?: AbortSignal | undefined }): Promise<void>;
  close(): void;
}

/** How one connection authenticates beyond the transport's own settings. */
export interface OpenOptions {
  readonly signal?: AbortSignal | undefined;
  /** For password and keyboard-interactive auth (and sudo prompts, by the caller). */
  readonly password?: string | undefined;
  /** An SSH private key (OpenSSH or PEM text) tried first, from memory: it never touches a disk. */
  readonly privateKey?: string | undefined;
}

/** A way to reach targets: `ssh` (ssh2, in-process), `openssh` (spawns ssh), `local`. */
export interface Transport {
  readonly name: 'ssh' | 'openssh' | 'local';
  /** Connect and authenticate. Failures throw PogoError with an SSH_* code (unreachable, auth, host key). */
  open(target: Target, options?: OpenOptions): Promise<Session>;
  /** Release shared resources (agent connections, rate limiter timers). */
  close(): Promise<void>;
}
