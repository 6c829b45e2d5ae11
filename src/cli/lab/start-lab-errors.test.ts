// startLab's refusals: bad options, a taken port, a login that fails; none leaves an sshd behind.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isPogoError } from '../../model/index.ts';
import type { PogoError } from '../../model/index.ts';
import { LAB_START_TIMEOUT_MS } from '../../../test/support/lab.ts';
import { runningAsRoot } from './lab-user.ts';
import { listProcesses } from './process-tree.ts';
import { startLab } from './start-lab.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean().catch(() => undefined);
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pogo-lab-err-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The PogoError `promise` rejects with (fails the test when it resolves or throws something else). */
async function pogoErrorOf(promise: Promise<unknown>): Promise<PogoError> {
  const e: unknown = await promise.then(
    () => new Error('it resolved'),
    (err: unknown) => err,
  );
  if (!isPogoError(e)) throw e;
  return e;
}

/** True when some process's command line names `dir`'s sshd_config (a leaked lab sshd). */
async function sshdRunsFor(dir: string): Promise<boolean> {
  for (const p of listProcesses()) {
    const cmdline = await readFile(`/proc/${p.pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(`${dir}/sshd_config`)) return true;
  }
  return false;
}

describe('startLab refusals', () => {
  it('rejects bad options as USAGE errors naming the option', async () => {
    const dir = await tempDir();
    expect((await pogoErrorOf(startLab({ hosts: 0, dir }))).message).toBe(
      'hosts: must be a whole number from 1 to 100000, got 0',
    );
    expect((await pogoErrorOf(startLab({ hosts: 2.5, dir }))).code).toBe('USAGE');
    expect((await pogoErrorOf(startLab({ hosts: 1, dir, port: 22 }))).message).toMatch(
      /^port: must be a port from 1024/,
    );
    expect((await pogoErrorOf(startLab({ hosts: 1, dir: `${dir}/a b` }))).message).toMatch(
      /^dir: .* cannot carry/,
    );
  });

  it(
    "reports a port another program holds in sshd's own words, and leaves no sshd",
    async () => {
      const dir = await tempDir();
      const server: Server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise((resolve) => server.close(resolve)));
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const e = await pogoErrorOf(startLab({ hosts: 1, dir, port }));
      expect(e.code).toBe('LAB_START_FAILED');
      expect(e.message).toContain(`sshd did not start on 127.0.0.1:${port}: it exited:`);
      expect(e.message).toMatch(/Address already in use/);
      expect(await sshdRunsFor(dir)).toBe(false);
    },
    LAB_START_TIMEOUT_MS,
  );

  it.runIf(runningAsRoot())(
    'stops sshd and reports ssh and sshd when the test login fails',
    async () => {
      const dir = await tempDir();
      const e = await pogoErrorOf(startLab({ hosts: 1, dir, user: 'pogo-no-such-user' }));
      expect(e.code).toBe('LAB_START_FAILED');
      expect(e.message).toContain(
        `sshd started, but ssh -F ${dir}/ssh_config lab-0001 true failed (exit 255)`,
      );
      expect(e.message).toContain('Permission denied');
      expect(await sshdRunsFor(dir)).toBe(false);
      await expect(readFile(join(dir, 'pid'), 'utf8')).rejects.toThrow(/ENOENT/);
    },
    LAB_START_TIMEOUT_MS,
  );
});
