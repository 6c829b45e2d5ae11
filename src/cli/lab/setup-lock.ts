// A lock file held while one process sets up the lab user, so labs started at once (parallel tests) agree.
import { open, readFile, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { PogoError } from '../../model/index.ts';
import { processAlive } from './process-alive.ts';

const RETRY_MS = 25;
const WAIT_LIMIT_MS = 60_000;

/** Run `work` while holding the lock file `path` (created exclusively, holding our pid). */
export async function withSetupLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  await acquire(path);
  try {
    return await work();
  } finally {
    await unlink(path).catch(() => undefined);
  }
}

async function acquire(path: string): Promise<void> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    try {
      const file = await open(path, 'wx', 0o600);
      await file.writeFile(`${process.pid}\n`);
      await file.close();
      return;
    } catch (e: unknown) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    // A holder that died (killed mid-setup) leaves its file behind: take it over.
    if (!(await holderAlive(path))) {
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) {
      throw new PogoError('LAB_START_FAILED', `timed out waiting for the lab set-up lock ${path}`, {
        hint: `another pogo lab is setting up the lab user; if none is, remove ${path}`,
      });
    }
    await sleep(RETRY_MS);
  }
}

/** False when the pid in the lock file is gone (an empty file is being written: alive). */
async function holderAlive(path: string): Promise<boolean> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return false;
  const pid = Number.parseInt(text, 10);
  if (!Number.isSafeInteger(pid) || pid <= 0) return true;
  return processAlive(pid);
}
