// A short-lived ssh-agent holding the operator's key for one openssh login: fed through a pipe, never a file.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PogoError } from '../model/errors.ts';
import { within } from './within.ts';

/** A running per-login agent. */
export interface KeyAgent {
  /** SSH_AUTH_SOCK for the ssh that logs in. */
  readonly socket: string;
  /** Kill the agent (its memory, and the key, go with it). Idempotent. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 5000;

/**
 * Start `ssh-agent -D` on a socket inside `dir` (a private directory of the caller) and load `keyText`
 * into it with `ssh-add -` over stdin, as the original Pogo did. The key never touches a disk. The caller
 * stops the agent as soon as the login is done (the control master keeps the connection).
 */
export async function startKeyAgent(dir: string, keyText: string, signal?: AbortSignal): Promise<KeyAgent> {
  const socket = join(dir, 'agent');
  const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: ['ignore', 'ignore', 'pipe'] });
  agent.once('error', () => undefined);
  const ended = new Promise<void>((resolve) => agent.once('close', () => resolve()));
  const stop = async (): Promise<void> => {
    if (agent.exitCode === null && agent.signalCode === null) agent.kill('SIGTERM');
    await within(ended, 1000);
  };
  try {
    await waitForAgent(agent, socket, signal);
    await addKey(socket, keyText);
  } catch (e: unknown) {
    await stop();
    throw e;
  }
  return { socket, stop };
}

async function waitForAgent(agent: ChildProcess, socket: string, signal?: AbortSignal): Promise<void> {
  const deadline = performance.now() + START_TIMEOUT_MS;
  for (;;) {
    if (agent.pid === undefined || agent.exitCode !== null) {
      throw new PogoError('TRANSPORT_SPAWN_FAILED', 'cannot run ssh-agent for the operator key', {
        hint: 'install OpenSSH (ssh-agent, ssh-add), or use --transport ssh',
      });
    }
    if ((await stat(socket).catch(() => undefined))?.isSocket()) return;
    if (signal?.aborted) throw new PogoError('TRANSPORT_ABORTED', 'starting ssh-agent was aborted');
    if (performance.now() > deadline)
      throw new PogoError('TRANSPORT_SPAWN_FAILED', 'ssh-agent did not start in 5 s');
    await sleep(10);
  }
}

async function addKey(socket: string, keyText: string): Promise<void> {
  const add = spawn('ssh-add', ['-q', '-'], {
    stdio: ['pipe', 'ignore', 'pipe'],
    env: { ...process.env, SSH_AUTH_SOCK: socket, SSH_ASKPASS: '', DISPLAY: '' },
  });
  add.once('error', () => undefined);
  add.stdin?.on('error', () => undefined);
  add.stdin?.end(keyText.endsWith('\n') ? keyText : `${keyText}\n`);
  const code = await new Promise<number | null>((resolve) => add.once('close', (c) => resolve(c)));
  // ssh-add's own words are not used: they could quote the key's comment or content.
  if (code !== 0) {
    throw new PogoError(
      'SSH_AUTH_FAILED',
      'the SSH key given with the job cannot be loaded (encrypted or not a private key)',
      {
        hint: 'give an unencrypted private key to --ssh-key',
      },
    );
  }
}

/** The public key (`TYPE BASE64`) of the one key an agent holds, from `ssh-add -L`. */
export async function publicKeyOf(socket: string): Promise<string> {
  const list = spawn('ssh-add', ['-L'], {
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, SSH_AUTH_SOCK: socket },
  });
  list.once('error', () => undefined);
  let out = '';
  list.stdout?.on('data', (d: Buffer) => void (out += d.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => list.once('close', (c) => resolve(c)));
  const line = out.split('\n')[0]?.trim() ?? '';
  if (code !== 0 || !/^\S+ [A-Za-z0-9+/=]+/.test(line)) {
    throw new PogoError('SSH_AUTH_FAILED', 'the per-login ssh-agent does not list the operator key');
  }
  return line.split(' ').slice(0, 2).join(' ');
}
