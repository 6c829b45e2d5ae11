// Retention passes prune in batches through the real SQLite store and never touch recent or running jobs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/index.ts';
import type { Store } from '../store/index.ts';
import { Retention } from './retention.ts';

const DAY = 86_400_000;
const opened: { store: Store; dir: string }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) {
    await o.store.close();
    rmSync(o.dir, { recursive: true, force: true });
  }
});

async function storeWithJobs(n: number, endedAt: (i: number) => number | null): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'pogo-retention-'));
  const store = openSqliteStore(join(dir, 'pogo.db'));
  opened.push({ store, dir });
  await store.migrate();
  for (let i = 0; i < n; i++) {
    const id = `j${i}`;
    await store.createJob({
      id, namespace: 'ns', user: 'u', command: 'true', targets: 'h1', createdAt: 0, configVersion: null,
      options: { task: { command: 'true', hooks: { pre: false, post: false, preDir: '', postDir: '', inlinePre: [], inlinePost: [] }, timeoutMs: 1, retries: 0, retryDelayMs: 0, outputCapBytes: 1 } },
      rollbackOf: null, hosts: ['h1'],
    }); // prettier-ignore
    const end = endedAt(i);
    await store.recordProgress({
      epochs: new Map(),
      jobs: [end === null ? { id, state: 'running', startedAt: 1 } : { id, state: 'succeeded', startedAt: 1, endedAt: end }],
      hosts: [],
      events: [{ type: 'job:started', t: 1, seq: 1, jobId: id }],
      output: [{ jobId: id, host: 'h1', attempt: 0, seq: 0, t: 1, stream: 'stdout', source: 'command', data: Buffer.from('x') }],
    }); // prettier-ignore
  }
  return store;
}

describe('Retention', () => {
  it('prunes old finished jobs in batches until none is left, and leaves recent and running ones', async () => {
    const now = 200 * DAY;
    // j0…j44 ended 100 days before now, j45…j49 yesterday, j50 still runs.
    const store = await storeWithJobs(51, (i) => (i < 45 ? now - 100 * DAY : i < 50 ? now - DAY : null));
    const r = new Retention({ store, maxAgeMs: 90 * DAY, batch: 10, now: () => now });
    expect(await r.runOnce()).toEqual({ jobs: 45, events: 45, outputChunks: 45, more: false });
    expect(await r.runOnce()).toEqual({ jobs: 0, events: 0, outputChunks: 0, more: false });
    for (const id of ['j0', 'j44']) expect(await store.readEvents(id, 0)).toEqual([]);
    for (const id of ['j45', 'j49', 'j50']) expect((await store.readEvents(id, 0)).length).toBe(1);
  });

  it('stops a pass at maxBatches and says there is more; the next pass goes on', async () => {
    const now = 200 * DAY;
    const store = await storeWithJobs(25, () => now - 100 * DAY);
    const r = new Retention({ store, maxAgeMs: 90 * DAY, batch: 5, maxBatches: 2, now: () => now });
    expect(await r.runOnce()).toEqual({ jobs: 10, events: 10, outputChunks: 10, more: true });
    expect((await r.runOnce()).jobs).toBe(10);
    expect(await r.runOnce()).toEqual({ jobs: 5, events: 5, outputChunks: 5, more: false });
  });
});
