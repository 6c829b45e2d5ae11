// The `openssh` transport: the system `ssh`, one control master per session and each command multiplexed over it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PogoError } from '../model/errors.ts';
import { createConnectRateLimiter } from './connect-rate.ts';
import { publicKeyOf, startKeyAgent } from './key-agent.ts';
import type { KeyAgent } from './key-agent.ts';
import { ExecSupervisor } from './exec-supervisor.ts';
import { ASKPASS_SCRIPT, masterArgs, muxArgs, sshFailure } from './openssh-args.ts';
import type { OpenSshCommonOptions } from './openssh-args.ts';
import { wrapCommand } from './remote-command.ts';
import type { ExecOptions, ExecResult, Session, Target, Transport } from './types.ts';
import { uploadByExec } from './upload-by-exec.ts';
import { within } from './within.ts';

/** Options of the openssh transport; ssh_config (or `-F sshConfig`) supplies everything else. */
export interface OpenSshTransportOptions extends OpenSshCommonOptions {
  /** The ssh program (default `ssh` on PATH). */
  readonly sshBinary?: string;
  /** New connections per second at most (default 50). */
  readonly connectRate?: number;
  readonly connectBurst?: number;
  /** Between TERM and KILL when a command is stopped (default 2 s). */
  readonly killGraceMs?: number;
  /** Called as each control master starts (after its rate-limit slot). */
  readonly onConnecting?: (host: string) => void;
}

/** How long a control master may take to log in when no ConnectTimeout is given (ms). */
const DEFAULT_LOGIN_TIMEOUT_MS = 20_000;

/** The `openssh` transport: honours the user's ssh_config, ControlMaster, ProxyJump and ssh's own checks. */
export function createOpenSshTransport(options: OpenSshTransportOptions = {}): Transport {
  const binary = options.sshBinary ?? 'ssh';
  const graceMs = options.killGraceMs ?? 2000;
  const limiter = createConnectRateLimiter({
    perSecond: options.connectRate ?? 50,
    burst: options.connectBurst ?? 1,
  });
  const sessions = new Set<OpenSshSession>();
  let closed = false;
  return {
    name: 'openssh',
    async open(target, openOptions = {}) {
      if (closed) throw new PogoError('TRANSPORT_CLOSED', 'the openssh transport is closed');
      const { signal, password, privateKey } = openOptions;
      const aborted = (): PogoError =>
        new PogoError('TRANSPORT_ABORTED', `connecting to ${target.host} was aborted`);
      await limiter.acquire(signal).catch(() => {
        throw aborted();
      });
      options.onConnecting?.(target.host);
      const dir = await mkdtemp(join(tmpdir(), 'pogo-ssh-'));
      const controlPath = join(dir, 'c');
      const env: NodeJS.ProcessEnv = { ...process.env };
      if (password !== undefined) {
        await writeFile(join(dir, 'askpass'), ASKPASS_SCRIPT, { mode: 0o700 });
        Object.assign(env, { SSH_ASKPASS: join(dir, 'askpass'), SSH_ASKPASS_REQUIRE: 'force' });
        env.DISPLAY ??= 'pogo';
      }
      // The operator's key: in a per-login agent (only for the login; the control master keeps the connection).
      let agent: KeyAgent | undefined;
      let login = { target, options };
      if (privateKey !== undefined) {
        try {
          agent = await startKeyAgent(dir, privateKey, signal);
          login = await agentLogin(dir, agent.socket, target, options);
        } catch (e: unknown) {
          await agent?.stop();
          await rm(dir, { recursive: true, force: true });
          throw e;
        }
      }
      const master = spawn(
        binary,
        masterArgs(login.target, controlPath, login.options, password !== undefined),
        {
          stdio: ['pipe', 'ignore', 'pipe'],
          env,
        },
      );
      let said = '';
      master.stderr?.on('data', (d: Buffer) => void (said = (said + d.toString('utf8')).slice(-4000)));
      master.stdin?.on('error', () => undefined);
      // The password travels through ssh's stdin to the askpass script: never a file, never argv.
      if (password !== undefined) master.stdin?.write(`${password}\n`);
      const ended = new Promise<true>((resolve) => master.once('close', () => resolve(true)));
      master.once('error', () => undefined);
      const timeoutMs = (options.connectTimeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS) + 5000;
      const state = await waitForSocket(master, controlPath, timeoutMs, signal);
      await agent?.stop();
      if (state !== 'ready') {
        master.kill('SIGTERM');
        await within(ended, 1000);
        await rm(dir, { recursive: true, force: true });
        if (master.pid === undefined) {
          throw new PogoError('TRANSPORT_SPAWN_FAILED', `cannot run ${binary}`, { hint: 'install OpenSSH' });
        }
        if (state === 'aborted') throw aborted();
        throw sshFailure(
          target.host,
          state === 'timeout' ? `${said}\nlogin timed out` : said,
          master.exitCode,
        );
      }
      master.stdin?.end();
      const session: OpenSshSession = new OpenSshSession(target, master, ended, dir, controlPath, {
        binary,
        common: options,
        graceMs,
        onClose: () => sessions.delete(session),
      });
      sessions.add(session);
      return session;
    },
    async close() {
      closed = true;
      await Promise.all([...sessions].map((s) => s.closeAndWait()));
    },
  };
}

/** Wait until the control socket exists (`ready`), or the master exits, the time runs out, or the signal fires. */
async function waitForSocket(
  master: ChildProcess,
  path: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<'ready' | 'exited' | 'timeout' | 'aborted'> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (master.exitCode !== null || master.signalCode !== null || master.pid === undefined) return 'exited';
    if ((await stat(path).catch(() => undefined))?.isSocket()) return 'ready';
    if (performance.now() > deadline) return 'timeout';
    if (signal?.aborted) return 'aborted';
    await sleep(10);
  }
}

interface SessionSettings {
  readonly binary: string;
  readonly common: OpenSshCommonOptions;
  readonly graceMs: number;
  readonly onClose: () => void;
}

class OpenSshSession implements Session {
  private closed = false;

  constructor(
    private readonly target: Target,
    private readonly master: ChildProcess,
    private readonly masterEnded: Promise<true>,
    private readonly dir: string,
    private readonly controlPath: string,
    private readonly settings: SessionSettings,
  ) {
    master.once('exit', () => {
      this.closed = true;
      void rm(dir, { recursive: true, force: true });
      settings.onClose();
    });
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.closed) {
      return Promise.reject(
        new PogoError('SSH_CONNECTION_LOST', `the connection to ${this.target.host} is closed`),
      );
    }
    const pty = options.pty === true;
    const { binary, common, graceMs } = this.settings;
    let args: string[];
    try {
      args = [...muxArgs(this.target.host, this.controlPath, common, pty), wrapCommand(command, options.env)];
    } catch (e: unknown) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const supervisor = new ExecSupervisor({ ...options, graceMs, marker: pty ? 'stdout' : 'stderr' });
    child.stdout.on('data', (d: Buffer) => supervisor.data('stdout', d));
    child.stderr.on('data', (d: Buffer) => supervisor.data('stderr', d));
    child.stdin.on('error', () => undefined);
    child.on('exit', (code, signal) => supervisor.exit(code, signal));
    child.on('close', () => supervisor.closed());
    child.on('error', (e) =>
      supervisor.fail(new PogoError('TRANSPORT_SPAWN_FAILED', `cannot run ${binary}: ${e.message}`)),
    );
    supervisor.attach({
      signal: () => undefined, // ssh(1) cannot send signal requests; the process-group kill does the work
      runKill: async (command, killOptions = {}) => {
        if (this.closed) return;
        await this.exec(command, {
          ...killOptions,
          timeoutMs: killOptions.timeoutMs ?? graceMs + 5000,
        }).catch(() => undefined);
      },
      write: (data) => void child.stdin.write(data),
      endInput: () => void child.stdin.end(),
      close: () => void child.kill('SIGTERM'), // with -tt the remote side gets a hang-up
    });
    return supervisor.result;
  }

  upload(
    remotePath: string,
    data: Buffer,
    options: { signal?: AbortSignal | undefined } = {},
  ): Promise<void> {
    return uploadByExec((c, o) => this.exec(c, o), this.target.host, remotePath, data, options.signal);
  }

  close(): void {
    this.closed = true;
    this.master.kill('SIGTERM');
  }

  /** Close and wait (at most 3 s) for the master to exit. */
  async closeAndWait(): Promise<void> {
    this.close();
    await within(this.masterEnded, 3000);
    await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * ssh's view of a login through the per-login agent: `IdentityAgent` set to it on the command line (which
 * wins over ssh_config), and the key's public half (not secret) as the first `-i`, so that
 * `IdentitiesOnly yes` in ssh_config still offers the agent's key.
 */
async function agentLogin(
  dir: string,
  socket: string,
  target: Target,
  options: OpenSshTransportOptions,
): Promise<{ target: Target; options: OpenSshTransportOptions }> {
  const pub = join(dir, 'operator.pub');
  await writeFile(pub, `${await publicKeyOf(socket)}\n`, { mode: 0o600 });
  return {
    target: { ...target, identityFiles: [pub, ...(target.identityFiles ?? options.identityFiles ?? [])] },
    options: { ...options, extraOptions: [`IdentityAgent=${socket}`, ...(options.extraOptions ?? [])] },
  };
}
