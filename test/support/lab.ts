// Real SSH labs for tests: each in a fresh temp directory, stopped and removed afterwards even when a test fails.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startLab } from '../../src/cli/lab/index.ts';
import type { Lab } from '../../src/cli/lab/index.ts';

/** A lab started by {@link startTestLab}: `dispose()` stops it and removes its directory. */
export interface TestLab extends Lab {
  readonly dispose: () => Promise<void>;
}

/** Time a test lab may take to start (keys, sshd, one login); generous for loaded CI machines. */
export const LAB_START_TIMEOUT_MS = 60_000;

/** Start a lab of `hosts` hosts in a new temp directory (attached: sshd dies with the test process too). */
export async function startTestLab(hosts: number): Promise<TestLab> {
  const dir = await mkdtemp(join(tmpdir(), 'pogo-lab-'));
  const remove = (): Promise<void> => rm(dir, { recursive: true, force: true });
  let lab: Lab;
  try {
    lab = await startLab({ hosts, dir });
  } catch (e: unknown) {
    await remove();
    throw e;
  }
  return {
    ...lab,
    dispose: async () => {
      try {
        await lab.stop();
      } finally {
        await remove();
      }
    },
  };
}

/**
 * A lab of `hosts` hosts for the tests of one `describe` (or file): started in beforeAll, stopped and
 * removed in afterAll. Call `lab()` inside tests.
 */
export function withLab(hosts: number): { readonly lab: () => Lab } {
  let current: TestLab | undefined;
  beforeAll(async () => {
    current = await startTestLab(hosts);
  }, LAB_START_TIMEOUT_MS);
  afterAll(async () => {
    await current?.dispose();
    current = undefined;
  });
  return {
    lab: () => {
      if (!current) throw new Error('the lab has not started: call lab() inside a test');
      return current;
    },
  };
}
