// `--password`, `--password-stdin`, `--ssh-key`: the operator's secrets sealed on this machine to the workers' certificates.
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { SealedEnvelope, WorkerCertificate } from '../../model/index.ts';
import { PogoError } from '../../model/index.ts';
import { certificateProblem, sealEnvelope } from '../../security/index.ts';
import { promptPassword, readPasswordFromStdin } from '../password-input.ts';
import { usageError } from '../flags.ts';
import type { PogoApi } from './pogo-api.ts';
import type { ProfileSources } from './profile.ts';
import { processSources, profilePath } from './profile.ts';

/** The secret flags of `run`, `resume` and `rollback`. */
export interface SecretFlags {
  readonly password?: boolean;
  readonly passwordStdin?: boolean;
  readonly sshKey?: string;
  readonly workerCa?: string;
}

/** Add the secret flags to a client command. */
export function addSecretOptions(cmd: Command): Command {
  return cmd
    .option(
      '--password',
      'prompt (no echo) for the password: SSH password auth and sudo prompts on the targets',
    )
    .option('--password-stdin', 'read that password from the first line of standard input')
    .option('--ssh-key <file>', 'an SSH private key to log in with, used by the workers from memory only')
    .option(
      '--worker-ca <file>',
      'CA the worker certificates must chain to (default: $POGO_WORKER_CA, worker-ca.pem beside the profile)',
    );
}

/** Whether the flags ask for an envelope at all. */
export function wantsEnvelope(flags: SecretFlags): boolean {
  return flags.password === true || flags.passwordStdin === true || flags.sshKey !== undefined;
}

/** Where the worker CA is read from: --worker-ca, POGO_WORKER_CA, or `worker-ca.pem` next to the profile. */
export function workerCaPath(flags: SecretFlags, sources: ProfileSources = processSources()): string {
  return flags.workerCa ?? (sources.env.POGO_WORKER_CA || join(profilePath(sources), '..', 'worker-ca.pem'));
}

/**
 * Read the secrets the flags ask for, fetch the workers' certificates, keep those the worker CA vouches
 * for (role worker, valid now), and seal. Undefined when no secret flag is given. The password lives only
 * in this process's memory until it is sealed.
 */
export async function sealFromFlags(
  api: PogoApi,
  flags: SecretFlags,
  sources: ProfileSources = processSources(),
): Promise<SealedEnvelope | undefined> {
  if (!wantsEnvelope(flags)) return undefined;
  if (flags.password === true && flags.passwordStdin === true) {
    throw usageError('--password and --password-stdin: give one of them');
  }
  const caFile = workerCaPath(flags, sources);
  const cas = await readCa(caFile);
  const sshKey = flags.sshKey !== undefined ? await readKey(flags.sshKey) : undefined;
  const certificates = trusted(await api.workerCertificates(), cas, caFile);
  const password = flags.passwordStdin
    ? await readPasswordFromStdin()
    : flags.password
      ? await promptPassword('Password (for the targets): ')
      : undefined;
  return sealEnvelope({ password, sshKey }, certificates);
}

/** The certificates one of the CAs vouches for; ENVELOPE_INVALID when none is left (naming why each was refused). */
export function trusted(
  listed: readonly WorkerCertificate[],
  cas: readonly X509Certificate[],
  caFile: string,
): X509Certificate[] {
  const ok: X509Certificate[] = [];
  const refused: string[] = [];
  for (const w of listed) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(w.certificate);
    } catch {
      refused.push(`${w.name}: not a certificate`);
      continue;
    }
    const problem =
      cert.fingerprint256 !== w.fingerprint
        ? 'its fingerprint does not match'
        : verdict(cas.map((ca) => certificateProblem(cert, { ca, role: 'worker' })));
    if (problem === undefined) ok.push(cert);
    else refused.push(`${w.name}: ${problem}`);
  }
  if (ok.length > 0) return ok;
  const why =
    refused.length === 0 ? 'the server lists no worker certificate' : `refused: ${refused.join('; ')}`;
  throw new PogoError(
    'ENVELOPE_INVALID',
    `no worker certificate signed by ${caFile} to seal the password to (${why})`,
    {
      hint: 'start a worker with a certificate from this CA, or pass the right CA with --worker-ca',
    },
  );
}

/** Undefined when some CA accepted the certificate, else the first CA's reason. */
function verdict(problems: readonly (string | undefined)[]): string | undefined {
  return problems.includes(undefined) ? undefined : (problems[0] ?? 'no CA to check it against');
}

/** Every certificate of a PEM file (a CA or a bundle of CAs). */
async function readCa(file: string): Promise<X509Certificate[]> {
  let text: Buffer;
  try {
    text = await readFile(file);
  } catch (e: unknown) {
    throw usageError(
      `--worker-ca: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`,
      'the server writes worker-ca.pem beside the client profile at its first start; or pass --worker-ca FILE',
    );
  }
  const blocks =
    text.toString('utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  try {
    if (blocks.length === 0) throw new Error('no certificate');
    return blocks.map((b) => new X509Certificate(b));
  } catch {
    throw usageError(`--worker-ca: ${file} is not a PEM certificate (or bundle)`);
  }
}

async function readKey(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e: unknown) {
    throw usageError(`--ssh-key: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}
