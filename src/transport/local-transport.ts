// The `local` transport: runs `sh -c` on this machine in its own process group; a timeout kills the group.
import { spawn } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { PogoError } from '../model/errors.ts';
import { ExecSupervisor } from './exec-supervisor.ts';
import type { ExecOptions, ExecResult, Session, Transport } from './types.ts';

/** Options of the local transport. */
export interface LocalTransportOptions {
  /** Between TERM and KILL when a command is stopped (default 2 s). */
  readonly killGraceMs?: number;
}

const DEFAULT_GRACE_MS = 2000;

/** A transport that runs every target's commands on this machine (for tests, demos and `--transport local`). */
export function createLocalTransport(options: LocalTransportOptions = {}): Transport {
  const graceMs = options.killGraceMs ?? DEFAULT_GRACE_MS;
  let closed = false;
  return {
    name: 'local',
    open(_target, openOptions) {
      if (closed) return Promise.reject(new PogoError('TRANSPORT_CLOSED', 'the local transport is closed'));
      if (openOptions?.signal?.aborted) {
        return Promise.reject(new PogoError('TRANSPORT_ABORTED', 'aborted before the session opened'));
      }
      return Promise.resolve(localSession(graceMs));
    },
    close() {
      closed = true;
      return Promise.resolve();
    },
  };
}

function localSession(graceMs: number): Session {
  let open = true;
  return {
    exec(command, options = {}) {
      if (!open) return Promise.reject(new PogoError('TRANSPORT_CLOSED', 'the session is closed'));
      return runLocal(command, options, graceMs);
    },
    async upload(remotePath, data) {
      try {
        await writeFile(remotePath, data, { mode: 0o700 });
        await chmod(remotePath, 0o700);
      } catch (e: unknown) {
        throw new PogoError('TRANSPORT_UPLOAD_FAILED', `cannot write ${remotePath}`, { cause: e });
      }
    },
    close() {
      open = false;
    },
  };
}

function runLocal(command: string, options: ExecOptions, graceMs: number): Promise<ExecResult> {
  const child = spawn('/bin/sh', ['-c', command], {
    detached: true, // its own process group: a stop reaches everything the command started
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const pgid = child.pid;
  const supervisor = new ExecSupervisor({ ...options, graceMs, marker: 'stderr', pgid });
  child.stdout.on('data', (d: Buffer) => supervisor.data('stdout', d));
  child.stderr.on('data', (d: Buffer) => supervisor.data('stderr', d));
  child.stdin.on('error', () => undefined); // the command may exit without reading its input
  child.on('exit', (code, signal) => supervisor.exit(code, signal));
  child.on('close', () => supervisor.closed());
  child.on('error', (e) =>
    supervisor.fail(
      new PogoError('TRANSPORT_SPAWN_FAILED', `cannot start /bin/sh: ${e.message}`, { cause: e }),
    ),
  );
  if (pgid === undefined) return supervisor.result;
  supervisor.attach({
    signal: (name) => signalGroup(pgid, `SIG${name}`),
    runKill: (killCommand, killOptions = {}) =>
      runLocal(
        killCommand,
        { ...killOptions, timeoutMs: killOptions.timeoutMs ?? graceMs + 5000 },
        graceMs,
      ).then(
        () => undefined,
        () => undefined,
      ),
    write: (data) => child.stdin.write(data),
    endInput: () => child.stdin.end(),
    close: () => {
      child.stdout.destroy();
      child.stderr.destroy();
      child.stdin.destroy();
    },
  });
  return supervisor.result;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (e: unknown) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
