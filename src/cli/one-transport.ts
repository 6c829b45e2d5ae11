// Builds the transport `pogo one` uses from its flags (ssh, openssh or local).
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

/** Create the transport named by `--transport`; a bad `--ssh-config` fails here, before any host starts. */
export async function openTransport(flags: OneFlags): Promise<OpenedTransport> {
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
