// Builds the transport `pogo one` uses from its flags (ssh, openssh or local).
import type { Command } from 'commander';
import type { Target, Transport } from '../transport/index.ts';
import {
  createLocalTransport,
  createOpenSshTransport,
  createSshTransport,
  readSshConfig,
} from '../transport/index.ts';
import { usageError } from './flags.ts';
import type { OneFlags } from './one-flags.ts';

/** The transport, and how a host name becomes a target (ssh_config resolves the rest inside the transport). */
export interface OpenedTransport {
  readonly transport: Transport;
  readonly targetOf: (host: string) => Target;
}

/** The flags a transport is built from (`pogo one`, `pogo worker`). */
export type TransportFlags = Pick<
  OneFlags,
  'transport' | 'sshConfig' | 'user' | 'identity' | 'acceptNew' | 'connectRate'
>;

/** Create the transport named by `--transport`; a bad `--ssh-config` fails here, before any host starts. */
export async function openTransport(flags: TransportFlags): Promise<OpenedTransport> {
  const rate = Number(flags.connectRate);
  if (!Number.isFinite(rate) || rate <= 0)
    throw usageError(`--connect-rate: "${flags.connectRate}" is not a positive number`);
  const targetOf = (host: string): Target => ({ host });
  switch (flags.transport) {
    case 'ssh':
      return {
        targetOf,
        transport: createSshTransport({
          connectRate: rate,
          ...(flags.sshConfig ? { sshConfig: await readSshConfig(flags.sshConfig) } : {}),
          ...(flags.acceptNew ? { strictHostKeyChecking: 'accept-new' as const } : {}),
          ...(flags.user ? { user: flags.user } : {}),
          ...(flags.identity.length ? { identityFiles: flags.identity } : {}),
        }),
      };
    case 'openssh':
      return {
        targetOf,
        transport: createOpenSshTransport({
          ...(flags.sshConfig ? { sshConfig: flags.sshConfig } : {}),
          ...(flags.acceptNew ? { strictHostKeyChecking: 'accept-new' as const } : {}),
          ...(flags.user ? { user: flags.user } : {}),
          ...(flags.identity.length ? { identityFiles: flags.identity } : {}),
        }),
      };
    case 'local':
      return { targetOf, transport: createLocalTransport() };
    default:
      throw usageError(`--transport: "${flags.transport}" is not one of ssh, openssh, local`);
  }
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

/**
 * Add the options that choose and configure the transport (`--transport` … `--connect-rate`), shared by
 * `pogo one`, `pogo worker` and `pogo server` (whose embedded worker uses them: `who` prefixes the help).
 */
export function addTransportOptions(cmd: Command, who = ''): Command {
  const p = who ? `${who}: ` : '';
  return cmd
    .option('--transport <name>', `${p}ssh (in-process, default), openssh (spawns ssh) or local`, 'ssh')
    .option(
      '--ssh-config <file>',
      `${p}OpenSSH client config for host names, ports, users, keys, known_hosts`,
    )
    .option('-l, --user <user>', `${p}log in as this user (default: ssh_config, else $USER)`)
    .option('-i, --identity <file>', `${p}private key file (repeatable)`, collect, [])
    .option('--accept-new', `${p}accept and record host keys of unknown hosts (strict by default)`)
    .option('--connect-rate <n>', `${p}new SSH connections per second at most`, '50');
}
