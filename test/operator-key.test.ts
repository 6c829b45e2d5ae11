// The operator's SSH key given with a job (--ssh-key): both transports log in with it from memory, on the lab's sshd.
import { readFile, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPogoError } from '../src/model/index.ts';
import { createOpenSshTransport, createSshTransport } from '../src/transport/index.ts';
import type { Transport } from '../src/transport/index.ts';
import { withLab } from './support/lab.ts';

const { lab } = withLab(1);

/** The lab's ssh_config without its IdentityFile lines: no key on disk logs in. */
async function keylessConfig(dir: string): Promise<string> {
  const text = (await readFile(lab().sshConfig, 'utf8'))
    .split('\n')
    .filter((line) => !/^\s*IdentityFile\b/i.test(line))
    .join('\n');
  const file = join(dir, 'ssh_config');
  await writeFile(file, text);
  return file;
}

async function whoami(t: Transport, privateKey: string | undefined): Promise<string> {
  const s = await t.open({ host: 'lab-0001' }, { privateKey });
  try {
    let out = '';
    await s.exec('id -un', { onOutput: (c) => void (out += c.data.toString()) });
    return out.trim();
  } finally {
    s.close();
  }
}

describe('operator keys', () => {
  for (const kind of ['ssh', 'openssh'] as const) {
    it(`${kind}: logs in with the key given in memory, and fails without it`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'pogo-opkey-'));
      const env = process.env.SSH_AUTH_SOCK;
      delete process.env.SSH_AUTH_SOCK; // no agent of the test runner's may help
      try {
        const sshConfig = await keylessConfig(dir);
        const t = kind === 'ssh' ? createSshTransport({ sshConfig }) : createOpenSshTransport({ sshConfig });
        try {
          let refused: unknown;
          await whoami(t, undefined).catch((e: unknown) => (refused = e));
          expect(isPogoError(refused, 'SSH_AUTH_FAILED')).toBe(true);
          const key = await readFile(lab().keyFile, 'utf8');
          expect(await whoami(t, key)).toBe(lab().user);
          let bad: unknown;
          await whoami(t, 'not a key').catch((e: unknown) => (bad = e));
          expect(isPogoError(bad, 'SSH_AUTH_FAILED')).toBe(true);
          expect(String((bad as Error).message)).not.toContain('not a key');
        } finally {
          await t.close();
        }
      } finally {
        if (env !== undefined) process.env.SSH_AUTH_SOCK = env;
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
