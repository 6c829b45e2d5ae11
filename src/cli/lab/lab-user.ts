// The user lab hosts log in as: `pogolab` with a shared password and sudo when root, else the current user.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { PogoError } from '../../model/index.ts';
import { runCommand } from './run-command.ts';
import { withSetupLock } from './setup-lock.ts';

/** The unprivileged user of labs started by root (root's own shell start-up costs ~150 ms a session). */
export const LAB_USER = 'pogolab';
/** Where root keeps the lab user's password, shared by every lab on the machine. */
export const LAB_STATE_DIR = '/var/lib/pogo-lab';
/** The sudoers drop-in that lets the lab user run anything with its password. */
export const LAB_SUDOERS_FILE = '/etc/sudoers.d/pogo-lab';

const PASSWORD_FILE = join(LAB_STATE_DIR, 'password');
const LOCK_FILE = join(LAB_STATE_DIR, 'setup.lock');
const SUDOERS_TEXT = `# Written by pogo lab: the lab user may sudo, with its password (tests answer a real prompt).\n${LAB_USER} ALL=(ALL) ALL\n`;
const VISUDO = '/usr/sbin/visudo';

/** Who a lab logs in as. */
export interface LabLogin {
  readonly user: string;
  /** The user's password (also for sudo); only for the lab user set up by root. */
  readonly password?: string;
}

/** True when this process runs as root. */
export function runningAsRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * The login of a new lab. As root (and for `pogolab`): create the user, its password and its sudoers
 * entry once, under a lock. Otherwise the current user, who needs no set-up and gets no password.
 */
export async function prepareLabLogin(user: string | undefined): Promise<LabLogin> {
  const current = userInfo().username;
  if (!runningAsRoot()) {
    if (user !== undefined && user !== current) {
      throw new PogoError('LAB_START_FAILED', `only root can start a lab that logs in as ${user}`, {
        hint: `leave the user out to log in as ${current}`,
      });
    }
    return { user: current };
  }
  if (user !== undefined && user !== LAB_USER) return { user };
  return { user: LAB_USER, password: await ensureLabUser() };
}

/** Set up `pogolab` if anything is missing; returns its password. */
async function ensureLabUser(): Promise<string> {
  const ready = await readyPassword();
  if (ready !== undefined) return ready;
  await mkdir(LAB_STATE_DIR, { recursive: true, mode: 0o700 });
  return withSetupLock(LOCK_FILE, async () => {
    // Another process may have finished the set-up while this one waited for the lock.
    if (!(await userExists())) await run('useradd', ['-m', '-s', '/bin/sh', '-c', 'Pogo SSH lab', LAB_USER]);
    let password = await readFile(PASSWORD_FILE, 'utf8').catch(() => undefined);
    if (password === undefined || (await passwordLocked())) {
      password ??= randomBytes(18).toString('base64url');
      await run('chpasswd', [], `${LAB_USER}:${password}\n`);
      await writeSecret(PASSWORD_FILE, password);
    }
    await installSudoers();
    return password;
  });
}

/** The password when the user, its password and the sudoers entry are all in place; else undefined. */
async function readyPassword(): Promise<string | undefined> {
  const password = await readFile(PASSWORD_FILE, 'utf8').catch(() => undefined);
  if (password === undefined || !(await userExists()) || (await passwordLocked())) return undefined;
  return (await sudoersCurrent()) ? password : undefined;
}

async function userExists(): Promise<boolean> {
  return (await runCommand('id', ['-u', LAB_USER])).code === 0;
}

/** True when the user has no usable password: sshd (without PAM) refuses locked accounts even for keys. */
async function passwordLocked(): Promise<boolean> {
  const shadow = await readFile('/etc/shadow', 'utf8');
  const entry = shadow.split('\n').find((line) => line.startsWith(`${LAB_USER}:`));
  const hash = entry?.split(':')[1] ?? '';
  return hash === '' || hash.startsWith('!') || hash.startsWith('*');
}

/** Install the sudoers drop-in, checked by visudo first; skipped where it is current or sudo is not installed. */
async function installSudoers(): Promise<void> {
  if (await sudoersCurrent()) return;
  // sudo skips files whose names hold a dot, so the temporary file is never read half-written.
  const temp = `${LAB_SUDOERS_FILE}.pogo-tmp`;
  await writeFile(temp, SUDOERS_TEXT, { mode: 0o440 });
  try {
    await run(VISUDO, ['-cf', temp]);
    await chmod(temp, 0o440);
    await rename(temp, LAB_SUDOERS_FILE);
  } finally {
    await rm(temp, { force: true });
  }
}

/** True when the sudoers entry is as written here, or sudo is not installed (nothing to set up). */
async function sudoersCurrent(): Promise<boolean> {
  if (!existsSync(VISUDO) || !existsSync('/etc/sudoers.d')) return true;
  return (await readFile(LAB_SUDOERS_FILE, 'utf8').catch(() => '')) === SUDOERS_TEXT;
}

/** Write a file only its owner can read, in place at once (temporary file, then rename). */
export async function writeSecret(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  await writeFile(temp, text, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, path);
}

/** Run a set-up program; a non-zero exit is LAB_START_FAILED with its stderr. */
async function run(file: string, args: readonly string[], input?: string): Promise<void> {
  const result = await runCommand(file, args, input === undefined ? {} : { input });
  if (result.code !== 0) {
    throw new PogoError(
      'LAB_START_FAILED',
      `cannot set up the lab user: ${file} exited with ${result.code ?? 'a signal'}: ${result.stderr.trim()}`,
      { hint: `is ${file} installed? scripts/setup.sh installs what the lab needs` },
    );
  }
}
