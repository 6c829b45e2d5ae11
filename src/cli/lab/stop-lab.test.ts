// Stopping labs: attached and detached, sessions included; refusing dirs with no lab, or a pid that is not its sshd.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isPogoError } from '../../model/index.ts';
import { LAB_START_TIMEOUT_MS, startTestLab } from '../../../test/support/lab.ts';
import type { Lab } from './lab.ts';
import { processAlive } from './process-alive.ts';
import { listProcesses } from './process-tree.ts';
import { runCommand } from './run-command.ts';
import { startLab } from './start-lab.ts';
import { stopLab } from './stop-lab.ts';

/** Directories and labs a test made, removed and stopped after it whatever happened. */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean().catch(() => undefined);
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pogo-lab-stop-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The PogoError code `promise` rejects with. */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e: unknown) {
    return isPogoError(e) ? e.code : `not a PogoError: ${String(e)}`;
  }
  return 'resolved';
}

describe('stopping a lab', () => {
  it(
    'lab.stop() ends sshd and its logged-in sessions, removes the pid file, and may be called again',
    async () => {
      const lab = await startTestLab(1);
      cleanups.push(() => lab.dispose());
      // A session that would outlive a listener killed alone.
      const ssh = runCommand('ssh', ['-F', lab.sshConfig, 'lab-0001', 'sleep 60']);
      await waitFor(() => listProcesses().some((p) => p.ppid === lab.pid));
      const sessions = listProcesses().filter((p) => p.ppid === lab.pid);
      await lab.stop();
      expect(processAlive(lab.pid)).toBe(false);
      for (const s of sessions) expect(processAlive(s.pid)).toBe(false);
      expect((await ssh).code).not.toBe(0);
      await expect(readFile(join(lab.dir, 'pid'), 'utf8')).rejects.toThrow(/ENOENT/);
      await lab.stop();
      expect(await codeOf(stopLab(lab.dir))).toBe('LAB_NOT_RUNNING');
    },
    LAB_START_TIMEOUT_MS,
  );

  it(
    'stopLab(dir) stops a detached lab started elsewhere; a second lab in the same dir is refused meanwhile',
    async () => {
      const dir = await tempDir();
      const lab: Lab = await startLab({ hosts: 2, dir, detached: true });
      cleanups.push(() => lab.stop());
      expect(await readFile(join(dir, 'pid'), 'utf8')).toBe(`${lab.pid}\n`);
      expect(await codeOf(startLab({ hosts: 2, dir }))).toBe('LAB_ALREADY_RUNNING');
      await stopLab(dir);
      expect(processAlive(lab.pid)).toBe(false);
      expect(await codeOf(stopLab(dir))).toBe('LAB_NOT_RUNNING');
    },
    LAB_START_TIMEOUT_MS,
  );

  it('refuses a directory with no lab, and never signals a pid that is not the lab sshd', async () => {
    const dir = await tempDir();
    expect(await codeOf(stopLab(dir))).toBe('LAB_NOT_RUNNING');
    // A stale pid file naming a live process that is not this lab's sshd: this test process.
    await writeFile(join(dir, 'pid'), `${process.pid}\n`);
    expect(await codeOf(stopLab(dir))).toBe('LAB_NOT_RUNNING');
    await expect(readFile(join(dir, 'pid'), 'utf8')).rejects.toThrow(/ENOENT/);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
