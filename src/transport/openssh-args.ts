// Command lines for the system `ssh` (control master, multiplexed commands) and what its failures mean.
import { PogoError } from '../model/errors.ts';
import type { ErrorCode } from '../model/errors.ts';
import type { StrictHostKeyChecking } from './ssh-config.ts';
import type { Target } from './types.ts';

/** What the openssh transport passes to every `ssh`. */
export interface OpenSshCommonOptions {
  /** `-F FILE` (default: ssh's own ~/.ssh/config and /etc/ssh/ssh_config). */
  readonly sshConfig?: string | undefined;
  readonly strictHostKeyChecking?: StrictHostKeyChecking | undefined;
  readonly knownHostsFiles?: readonly string[] | undefined;
  readonly connectTimeoutMs?: number | undefined;
  readonly user?: string | undefined;
  readonly identityFiles?: readonly string[] | undefined;
  /** More `-o KEY=VALUE` options, passed as given. */
  readonly extraOptions?: readonly string[] | undefined;
}

/** Arguments of the control master for `target`: authenticates once, then serves commands over `controlPath`. */
export function masterArgs(
  target: Target,
  controlPath: string,
  options: OpenSshCommonOptions,
  password: boolean,
): string[] {
  const o = (kv: string): string[] => ['-o', kv];
  const args = [...configArgs(options), '-M', '-N', '-S', controlPath, ...o('ControlPersist=no')];
  args.push(...(password ? [...o('BatchMode=no'), ...o('NumberOfPasswordPrompts=1')] : o('BatchMode=yes')));
  if (options.strictHostKeyChecking)
    args.push(...o(`StrictHostKeyChecking=${options.strictHostKeyChecking}`));
  if (options.knownHostsFiles) args.push(...o(`UserKnownHostsFile=${options.knownHostsFiles.join(' ')}`));
  if (options.connectTimeoutMs !== undefined) {
    args.push(...o(`ConnectTimeout=${Math.max(1, Math.ceil(options.connectTimeoutMs / 1000))}`));
  }
  for (const file of target.identityFiles ?? options.identityFiles ?? []) args.push('-i', file);
  if (target.hostname !== undefined) args.push(...o(`HostName=${target.hostname}`));
  if (target.hostKeyAlias !== undefined) args.push(...o(`HostKeyAlias=${target.hostKeyAlias}`));
  if (target.jump !== undefined) args.push('-J', target.jump);
  if (target.port !== undefined) args.push('-p', String(target.port));
  const user = target.user ?? options.user;
  if (user !== undefined) args.push('-l', user);
  for (const extra of options.extraOptions ?? []) args.push(...o(extra));
  return [...args, '--', target.host];
}

/**
 * Arguments of one command through the master. If the master is gone, ssh would quietly dial a new
 * connection; `ProxyCommand=/bin/false` makes that attempt fail instead (command-line options win).
 */
export function muxArgs(
  host: string,
  controlPath: string,
  options: OpenSshCommonOptions,
  pty: boolean,
): string[] {
  const o = (kv: string): string[] => ['-o', kv];
  return [
    ...configArgs(options),
    '-S',
    controlPath,
    ...o('ControlMaster=no'),
    ...o('ProxyCommand=/bin/false'),
    ...o('BatchMode=yes'),
    ...o('LogLevel=ERROR'),
    pty ? '-tt' : '-T',
    '--',
    host,
  ];
}

/** `-F FILE` when a config file was given. */
function configArgs(options: OpenSshCommonOptions): string[] {
  return options.sshConfig === undefined ? [] : ['-F', options.sshConfig];
}

/** The script ssh runs as SSH_ASKPASS: answers a password prompt with the line on its stdin, nothing else. */
export const ASKPASS_SCRIPT = `#!/bin/sh
# Pogo's askpass: the password comes from ssh's standard input (a pipe from Pogo), never from a file.
case "$1" in
  *assword*) IFS= read -r p && printf '%s\\n' "$p" ;;
  *) exit 1 ;;
esac
`;

/** Map what a failed `ssh` printed to SSH_AUTH_FAILED, SSH_HOSTKEY_*, or SSH_UNREACHABLE (with ssh's words). */
export function sshFailure(host: string, stderr: string, exitCode: number | null): PogoError {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('@@@') && !l.startsWith('Warning: Permanently added'));
  const said = lines.slice(-3).join(' / ') || `ssh exited with ${exitCode ?? 'a signal'}`;
  const fail = (code: ErrorCode, what: string, hint: string): PogoError =>
    new PogoError(code, `${what} (${host}: ${said})`, { hint });
  const offending = /Offending \S+ key in (\S+:\d+)/.exec(stderr);
  if (/IDENTIFICATION HAS CHANGED|Offending/.test(stderr)) {
    const where = offending?.[1] !== undefined ? ` (${offending[1]})` : '';
    return fail(
      'SSH_HOSTKEY_MISMATCH',
      `host key of ${host} does not match known_hosts${where}`,
      'remove the old key with ssh-keygen -R if the host was re-installed',
    );
  }
  if (/host key is known|Host key verification failed/.test(stderr)) {
    return fail(
      'SSH_HOSTKEY_UNKNOWN',
      `host key of ${host} is not known`,
      'add the key to known_hosts, or accept new hosts with --accept-new',
    );
  }
  if (/Permission denied|Too many authentication failures/.test(stderr)) {
    return fail(
      'SSH_AUTH_FAILED',
      `authentication failed for ${host}`,
      'check the user, keys, agent or password',
    );
  }
  const cause = [
    [/Could not resolve hostname/, 'cannot resolve the host name'],
    [/Connection refused/, 'connection refused'],
    [/timed out/i, 'connection timed out'],
    [/Connection reset|Connection closed|kex_exchange_identification/, 'connection closed by the server'],
    [/No route to host/, 'no route to host'],
  ] as const;
  const found = cause.find(([re]) => re.test(stderr));
  return fail(
    'SSH_UNREACHABLE',
    found ? found[1] : 'ssh could not connect',
    `check that ${host} is up and reachable`,
  );
}
