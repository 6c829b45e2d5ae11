// The lab's sshd process: start it (attached or detached), wait until it listens, and stop it by pid.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LabPaths } from './lab.ts';
import { processAlive } from './process-alive.ts';
import { listProcesses } from './process-tree.ts';
import { runCommand } from './run-command.ts';
import type { CommandResult } from './run-command.ts';

/** The OpenSSH server; the lab never uses the system's running sshd or port 22. */
export const SSHD_PATH = '/usr/sbin/sshd';

const POLL_MS = 25;
const PROBE_TIMEOUT_MS = 2_000;
const TERM_GRACE_MS = 5_000;
const KILL_GRACE_MS = 2_000;

/** How sshd ended: exit code or signal, or the error that kept it from starting. */
export interface SshdExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly error?: Error;
}

/** A started sshd. */
export interface SshdChild {
  readonly pid: number;
  /** Settles when the process has exited (and been reaped). */
  readonly exited: Promise<SshdExit>;
  /** Let this process exit without waiting for sshd (detached labs). */
  release(): void;
}

/**
 * Check the config with `sshd -t`, trying `-r` (no re-exec per connection: about 17 → 11 ms of sshd CPU
 * per session). OpenSSH 9.2 accepts `-r` without documenting it; builds that refuse it run without.
 * Returns the flags to start sshd with, or sshd's complaint.
 */
export async function checkSshdConfig(
  configFile: string,
): Promise<{ ok: true; flags: string[] } | { ok: false; message: string }> {
  const test = (flags: string[]): Promise<CommandResult> =>
    runCommand(SSHD_PATH, ['-t', ...flags, '-f', configFile]);
  try {
    let flags = ['-r'];
    let result = await test(flags);
    if (result.code !== 0 && /(unknown|illegal|invalid) option/i.test(result.stderr)) {
      flags = [];
      result = await test(flags);
    }
    if (result.code === 0) return { ok: true, flags };
    return { ok: false, message: result.stderr.trim() || `sshd -t exited with ${result.code ?? 'a signal'}` };
  } catch (e: unknown) {
    const why = e instanceof Error ? e.message : String(e);
    return { ok: false, message: `cannot run ${SSHD_PATH} (${why}); is openssh-server installed?` };
  }
}

/**
 * util-linux's setpriv, which starts an attached sshd with a parent-death signal: it gets TERM when the
 * process that started it dies in any way, even by KILL, so a crashed test run leaves no sshd behind.
 * util-linux is essential in Debian; without it sshd is started directly.
 */
const SETPRIV_PATH = '/usr/bin/setpriv';

/**
 * Start `sshd -D -e [-r] -f DIR/sshd_config` with its output in DIR/sshd.log (emptied first). Detached: its own
 * process group, so it outlives this process; attached: a child that gets TERM when this process dies.
 */
export function spawnSshd(paths: LabPaths, flags: readonly string[], detached: boolean): SshdChild {
  const log = openSync(paths.log, 'w', 0o600);
  const sshd = [SSHD_PATH, '-D', '-e', ...flags, '-f', paths.sshdConfig];
  // setpriv execs sshd, so the pid stays sshd's.
  const [file = SSHD_PATH, ...args] =
    !detached && existsSync(SETPRIV_PATH) ? [SETPRIV_PATH, '--pdeathsig', 'TERM', ...sshd] : sshd;
  let child;
  try {
    child = spawn(file, args, { detached, stdio: ['ignore', log, log] });
  } finally {
    closeSync(log);
  }
  const exited = new Promise<SshdExit>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { pid: child.pid ?? -1, exited, release: () => child.unref() };
}

/**
 * Wait until sshd has bound its port (it writes its pid file after binding) and answers a connection.
 * The pid file tells our sshd from another program that holds the port. Says `exited` when sshd exits
 * first, `timeout` when `timeoutMs` passes.
 */
export async function waitUntilListening(
  child: SshdChild,
  paths: LabPaths,
  port: number,
  timeoutMs: number,
): Promise<'listening' | 'exited' | 'timeout'> {
  let exited = false;
  void child.exited.then(() => (exited = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) return 'exited';
    const pidText = await readFile(paths.sshdPidFile, 'utf8').catch(() => '');
    if (Number.parseInt(pidText, 10) === child.pid && (await answersSsh(port))) return 'listening';
    await sleep(POLL_MS);
  }
  return exited ? 'exited' : 'timeout';
}

/**
 * True when 127.0.0.1:`port` answers with an SSH banner. The probe sends its own banner first: sshd logs
 * a connection closed before that as an error, and the lab's log should hold only real trouble.
 */
function answersSsh(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(false));
    socket.once('connect', () => socket.write('SSH-2.0-pogo-lab-probe\r\n'));
    socket.once('data', (data: Buffer) => done(data.toString('latin1').startsWith('SSH-')));
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}

/**
 * Stop a lab's sshd and every connection it has forked: TERM, then KILL what is left after 5 s; true when
 * all are gone. Each connection runs in its own session (sshd calls setsid), which outlives the listener,
 * so killing the listener alone would leave logged-in sessions (an Ansible ControlPersist master keeps
 * one open for a minute). The listener is frozen (STOP) while its children are listed, so no connection
 * slips in between; its TERM is delivered when it continues.
 */
export async function stopSshd(pid: number): Promise<boolean> {
  if (!signal(pid, 'SIGSTOP')) return true;
  const sessions = new Set(
    listProcesses()
      .filter((p) => p.ppid === pid)
      .map((p) => p.pid),
  );
  signal(pid, 'SIGTERM');
  signal(pid, 'SIGCONT');
  // The sessions' processes now, including those forked meanwhile (children of a session stay in it).
  const remaining = (): number[] => [
    ...(processAlive(pid) ? [pid] : []),
    ...listProcesses()
      .filter((p) => sessions.has(p.sid) || sessions.has(p.pid))
      .map((p) => p.pid)
      .filter(processAlive),
  ];
  for (const [sig, graceMs] of [
    ['SIGTERM', TERM_GRACE_MS],
    ['SIGKILL', KILL_GRACE_MS],
  ] as const) {
    const deadline = Date.now() + graceMs;
    let left = remaining();
    left.forEach((p) => signal(p, sig));
    while (left.length > 0 && Date.now() < deadline) {
      await sleep(POLL_MS);
      left = remaining();
    }
    if (left.length === 0) return true;
  }
  return false;
}

/** Send `sig` to `pid`; false when there is no such process. */
function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
}
