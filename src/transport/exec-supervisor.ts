// One running command, whatever the transport: output and prompts, timeout and abort (TERM → KILL → close), result.
import { setTimeout as sleep } from 'node:timers/promises';
import { PgidMarkerFilter } from './pgid-marker.ts';
import { killGroupScript } from './remote-command.ts';
import type { ExecOptions, ExecResult, OutputStream } from './types.ts';
import { within } from './within.ts';

/** What a transport's channel offers the supervisor. */
export interface ExecChannel {
  /** Best-effort signal through the protocol (ssh `signal` request; a local process group). */
  signal(name: 'TERM' | 'KILL'): void;
  /**
   * Run `command` on the target (Pogo's kill script, maybe wrapped by `ExecOptions.killAs`) and resolve
   * when it ends; a failure resolves too.
   */
  runKill(command: string, options?: ExecOptions): Promise<void>;
  write(data: string | Buffer): void;
  endInput(): void;
  /** Close the channel for good. */
  close(): void;
}

/** How the supervisor treats one command. */
export interface SuperviseOptions extends ExecOptions {
  /** Between TERM and KILL. */
  readonly graceMs: number;
  /** The stream that carries the process-group markers (`stdout` under a pty, else `stderr`). */
  readonly marker: OutputStream;
  /** The command's process group when the transport knows it (local); else the first marker tells. */
  readonly pgid?: number | undefined;
}

/**
 * Supervises one command. The transport creates it before opening its channel, `attach`es the channel
 * and forwards the channel's events (`data`, `exit`, `closed`, `fail`); `result` settles once.
 */
export class ExecSupervisor {
  readonly result: Promise<ExecResult>;
  private resolve!: (r: ExecResult) => void;
  private reject!: (e: unknown) => void;
  private channel: ExecChannel | undefined;
  private exitCode: number | null = null;
  private exitSignal: string | null = null;
  private stopping: 'timeout' | 'abort' | undefined;
  private done = false;
  private readonly started = performance.now();
  private readonly timers = new AbortController();
  private readonly filter: PgidMarkerFilter;
  /** Process groups to stop: the command's, then (after sudo) the one of the user it switched to. */
  private readonly pgids: number[] = [];
  private markPgid: (pgid: number) => void = () => undefined;
  private readonly pgidSeen: Promise<number>;
  private markClosed: () => void = () => undefined;
  private markAttached: (channel: ExecChannel) => void = () => undefined;
  private readonly attached: Promise<ExecChannel>;
  private readonly closedOnce: Promise<true>;
  private readonly onAbort = (): void => void this.stop('abort');

  constructor(private readonly options: SuperviseOptions) {
    this.result = new Promise<ExecResult>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    if (options.pgid !== undefined) this.pgids.push(options.pgid);
    this.pgidSeen = new Promise((resolve) => (this.markPgid = resolve));
    this.closedOnce = new Promise((resolve) => (this.markClosed = () => resolve(true)));
    this.attached = new Promise((resolve) => (this.markAttached = resolve));
    this.filter = new PgidMarkerFilter((pgid) => {
      if (!this.pgids.includes(pgid)) this.pgids.push(pgid);
      this.markPgid(pgid);
    });
    const { timeoutMs, signal } = options;
    if (timeoutMs !== undefined) {
      sleep(Math.max(0, timeoutMs), undefined, { signal: this.timers.signal }).then(
        () => this.stop('timeout'),
        () => undefined,
      );
    }
    if (signal?.aborted) queueMicrotask(this.onAbort);
    else signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** The channel is open: send stdin (and EOF unless a pty may still need answers). */
  attach(channel: ExecChannel): void {
    if (this.done) {
      channel.close();
      return;
    }
    this.channel = channel;
    this.markAttached(channel);
    if (this.options.stdin !== undefined) channel.write(this.options.stdin);
    if (!this.options.pty) channel.endInput();
  }

  data(stream: OutputStream, chunk: Buffer): void {
    if (this.done) return;
    const bytes = stream === this.options.marker ? this.filter.push(chunk) : chunk;
    this.emit(stream, bytes);
  }

  exit(code: number | null, signal: string | null): void {
    this.exitCode = code;
    this.exitSignal = signal === null ? null : signal.startsWith('SIG') ? signal : `SIG${signal}`;
  }

  /** The channel closed: output is complete. */
  closed(): void {
    this.emit(this.options.marker, this.filter.end());
    this.markClosed();
    if (!this.stopping) this.finish();
  }

  /** The channel broke (connection lost). After an exit status or while stopping, that is just the end. */
  fail(error: unknown): void {
    if (this.done) return;
    this.markClosed();
    if (this.stopping) return;
    if (this.exitCode !== null || this.exitSignal !== null) {
      this.finish();
      return;
    }
    this.cleanup();
    this.reject(error);
  }

  private emit(stream: OutputStream, data: Buffer): void {
    if (data.length === 0) return;
    this.options.onOutput?.({ t: Date.now(), stream, data });
    const { onPrompt } = this.options;
    if (onPrompt && this.options.pty && stream === 'stdout') {
      onPrompt(data.toString('utf8'), (s) => this.channel?.write(s));
    }
  }

  /**
   * Timeout or abort: TERM through the protocol and to the process groups (the command's, and the one
   * inside sudo as that user), KILL after the grace period, then close the channel.
   */
  private async stop(kind: 'timeout' | 'abort'): Promise<void> {
    if (this.done || this.stopping) return;
    this.stopping = kind;
    // Stopped while the channel was opening: the command may be starting, so wait a little for it.
    const ch = this.channel ?? (await within(this.attached, this.options.graceMs + 1000));
    if (!ch) return this.finish();
    const { graceMs, killAs } = this.options;
    ch.signal('TERM');
    if (this.pgids.length === 0) await within(this.pgidSeen, 500);
    const [outer, inner] = [this.pgids[0], this.pgids.at(-1)];
    const kills: Promise<void>[] = [];
    if (outer !== undefined) kills.push(ch.runKill(killGroupScript(outer, graceMs)));
    if (inner !== undefined && inner !== outer && killAs) {
      const spec = killAs(killGroupScript(inner, graceMs));
      kills.push(ch.runKill(spec.command, spec.options));
    }
    if (!(await within(this.closedOnce, graceMs + 250))) {
      ch.signal('KILL');
      await within(this.closedOnce, 1000);
    }
    await within(Promise.all(kills), graceMs + 3000);
    ch.close();
    await within(this.closedOnce, 1000);
    this.finish();
  }

  private finish(): void {
    if (this.done) return;
    this.cleanup();
    this.resolve({
      exitCode: this.exitCode,
      signal: this.exitSignal,
      timedOut: this.stopping === 'timeout',
      aborted: this.stopping === 'abort',
      durationMs: Math.round(performance.now() - this.started),
    });
  }

  private cleanup(): void {
    this.done = true;
    this.timers.abort();
    this.options.signal?.removeEventListener('abort', this.onAbort);
  }
}
