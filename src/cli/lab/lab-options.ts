// Validation of startLab's options (hosts, dir, port), shared with the CLI so bad flags fail before anything starts.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PogoError } from '../../model/index.ts';
import { LAB_MAX_HOSTS } from './lab.ts';
import type { StartLabOptions } from './lab.ts';
import { LAB_USER, runningAsRoot } from './lab-user.ts';

/** startLab's options after validation: `dir` absolute, `detached` decided. */
export interface CompiledStartLabOptions {
  readonly hosts: number;
  readonly dir: string;
  readonly port: number | undefined;
  readonly user: string | undefined;
  readonly detached: boolean;
}

/** Characters the lab's paths may hold: ssh_config expands `%` and `${…}`, and spaces or quotes need quoting. */
const SAFE_PATH = /^[A-Za-z0-9/._+@,:=~-]+$/;
/** The lab never takes a privileged port (and so never the system sshd's 22). */
const MIN_PORT = 1024;

/**
 * Check `options` and fill in defaults; a bad value is a USAGE error naming `${prefix}hosts`,
 * `${prefix}dir` or `${prefix}port` (the CLI passes `--`).
 */
export function compileStartLabOptions(options: StartLabOptions, prefix = ''): CompiledStartLabOptions {
  const { hosts, port } = options;
  if (!Number.isSafeInteger(hosts) || hosts < 1 || hosts > LAB_MAX_HOSTS) {
    throw usage(`${prefix}hosts: must be a whole number from 1 to ${LAB_MAX_HOSTS}, got ${hosts}`);
  }
  if (port !== undefined && (!Number.isSafeInteger(port) || port < MIN_PORT || port > 65535)) {
    throw usage(`${prefix}port: must be a port from ${MIN_PORT} to 65535, got ${port}`);
  }
  const dir = resolve(options.dir);
  checkDir(dir, `${prefix}dir`, options.user);
  return { hosts, dir, port, user: options.user, detached: options.detached ?? false };
}

/** The directory must be safe to write into config files, writable, and (as root) reachable by the lab user. */
function checkDir(dir: string, name: string, user: string | undefined): void {
  if (!SAFE_PATH.test(dir)) {
    throw usage(
      `${name}: ${JSON.stringify(dir)} holds characters ssh and sshd config files cannot carry`,
      'use letters, digits and / . _ - + @ , : = ~ only',
    );
  }
  const existing = nearestExisting(dir);
  if (!statSync(existing).isDirectory()) throw usage(`${name}: ${existing} is not a directory`);
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch {
    throw usage(`${name}: ${existing} is not writable`, 'pick a directory you can write, e.g. under /tmp');
  }
  // sshd reads authorized_keys as the login user: every directory above the lab must let it through.
  if (runningAsRoot() && (user === undefined || user === LAB_USER)) {
    for (let d = existing === dir ? dirname(dir) : existing; ; d = dirname(d)) {
      const mode = statSync(d).mode & 0o777;
      if ((mode & 0o001) === 0) {
        throw usage(
          `${name}: the lab user ${LAB_USER} cannot reach ${dir}: ${d} is closed to other users (mode ${mode.toString(8).padStart(4, '0')})`,
          `run chmod o+x ${d}, or pick a directory under /tmp`,
        );
      }
      if (d === dirname(d)) break;
    }
  }
}

/** `dir` or its closest ancestor that exists. */
function nearestExisting(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    try {
      statSync(d);
      return d;
    } catch {
      if (d === dirname(d)) return d;
    }
  }
}

function usage(message: string, hint?: string): PogoError {
  return new PogoError('USAGE', message, { hint });
}
