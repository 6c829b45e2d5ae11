// Fresh ed25519 key pairs for the lab (its host key and its client key), made by ssh-keygen.
import { readFile, rm } from 'node:fs/promises';
import { PogoError } from '../../model/index.ts';
import { runCommand } from './run-command.ts';

/** Make a new key pair at `path` and `path.pub` (no passphrase), replacing any; returns the public key line. */
export async function generateKeyPair(path: string, comment: string): Promise<string> {
  // ssh-keygen asks before overwriting; a lab directory used before still holds the old pair.
  await Promise.all([rm(path, { force: true }), rm(`${path}.pub`, { force: true })]);
  const args = ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path];
  const result = await runCommand('ssh-keygen', args).catch((e: unknown) => {
    throw new PogoError(
      'LAB_START_FAILED',
      `cannot run ssh-keygen: ${e instanceof Error ? e.message : String(e)}`,
      {
        cause: e,
        hint: 'install openssh-client (scripts/setup.sh does)',
      },
    );
  });
  if (result.code !== 0) {
    throw new PogoError('LAB_START_FAILED', `ssh-keygen failed for ${path}: ${result.stderr.trim()}`);
  }
  return (await readFile(`${path}.pub`, 'utf8')).trim();
}
