// A Session over one ssh2 connection: wrapped exec (env, process-group marker), kill over a second channel, upload.
import type { Client, ClientChannel } from 'ssh2';
import { PogoError } from '../model/errors.ts';
import { ExecSupervisor } from './exec-supervisor.ts';
import { wrapCommand } from './remote-command.ts';
import type { ExecOptions, ExecResult, Session } from './types.ts';
import { uploadByExec } from './upload-by-exec.ts';

/** Terminal type of pty sessions: plain, so tools print no colour or cursor codes unasked. */
const PTY = { term: 'dumb', cols: 200, rows: 50 } as const;

/** One connection to a target (and the jump connections it runs through). */
export class SshSession implements Session {
  private readonly running = new Set<ExecSupervisor>();
  private lost: string | undefined;
  private closed = false;

  constructor(
    private readonly host: string,
    private readonly client: Client,
    private readonly hops: readonly Client[],
    private readonly graceMs: number,
    private readonly onClose: () => void,
  ) {
    client.on('close', () => {
      this.lost ??= 'the connection closed';
      for (const s of this.running) s.fail(this.lostError());
      this.shutdown();
    });
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.closed)
      return Promise.reject(new PogoError('TRANSPORT_CLOSED', `the session to ${this.host} is closed`));
    if (this.lost !== undefined) return Promise.reject(this.lostError());
    let wrapped: string;
    try {
      wrapped = wrapCommand(command, options.env);
    } catch (e: unknown) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    const pty = options.pty === true;
    const supervisor = new ExecSupervisor({
      ...options,
      graceMs: this.graceMs,
      marker: pty ? 'stdout' : 'stderr',
    });
    this.running.add(supervisor);
    const forget = (): void => void this.running.delete(supervisor);
    supervisor.result.then(forget, forget);
    const broken = (why: string): void =>
      supervisor.fail(new PogoError('SSH_CONNECTION_LOST', `cannot run a command on ${this.host}: ${why}`));
    try {
      this.client.exec(wrapped, { pty: pty ? PTY : false }, (err, ch) => {
        if (err) return broken(err.message);
        ch.on('data', (d: Buffer) => supervisor.data('stdout', d));
        ch.stderr.on('data', (d: Buffer) => supervisor.data('stderr', d));
        ch.on('exit', (code: number | null, signal?: string) =>
          supervisor.exit(code ?? null, signal ?? null),
        );
        ch.on('close', () => supervisor.closed());
        ch.on('error', (e: Error) => broken(e.message));
        supervisor.attach(this.channelControls(ch));
      });
    } catch (e: unknown) {
      broken(e instanceof Error ? e.message : String(e)); // ssh2 throws when the connection just went
    }
    return supervisor.result;
  }

  upload(
    remotePath: string,
    data: Buffer,
    options: { signal?: AbortSignal | undefined } = {},
  ): Promise<void> {
    return uploadByExec((c, o) => this.exec(c, o), this.host, remotePath, data, options.signal);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.end();
    this.shutdown();
  }

  private channelControls(ch: ClientChannel): Parameters<ExecSupervisor['attach']>[0] {
    return {
      signal: (name) => {
        try {
          sendSignal(ch, name); // honoured by OpenSSH ≥ 7.9 for non-root logins; ignored otherwise
        } catch {
          // channel already closed
        }
      },
      runKill: (command, options) => this.runKill(command, options),
      write: (data) => void ch.write(data),
      endInput: () => void ch.end(),
      close: () => void ch.close(),
    };
  }

  /** Pogo's kill script, in this connection; never fails (the connection may be going). */
  private async runKill(command: string, options: ExecOptions = {}): Promise<void> {
    if (this.lost !== undefined || this.closed) return;
    await this.exec(command, { ...options, timeoutMs: options.timeoutMs ?? this.graceMs + 5000 }).catch(
      () => undefined,
    );
  }

  private lostError(): PogoError {
    return new PogoError('SSH_CONNECTION_LOST', `connection to ${this.host} lost: ${this.lost ?? 'closed'}`);
  }

  private shutdown(): void {
    for (const hop of [...this.hops].reverse()) hop.end();
    this.onClose();
  }
}

interface ChannelInternals {
  readonly outgoing?: { readonly id: number; readonly state: string };
  readonly _client?: { readonly _protocol?: { signal?: (id: number, name: string) => void } };
}

/**
 * Send a `signal` request. ssh2's `channel.signal()` drops it once stdin was closed (EOF), although the
 * protocol allows it then, and Pogo closes stdin of every command that has no pty: so ask ssh2's
 * protocol object directly while the channel is open or at EOF, and fall back to the public method.
 */
function sendSignal(ch: ClientChannel, name: string): void {
  const internals = ch as unknown as ChannelInternals;
  const out = internals.outgoing;
  const protocol = internals._client?._protocol;
  if (out && (out.state === 'open' || out.state === 'eof') && typeof protocol?.signal === 'function') {
    protocol.signal(out.id, name);
  } else {
    ch.signal(name);
  }
}
