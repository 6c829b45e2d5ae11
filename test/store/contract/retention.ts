// Store contract: retention prunes the events and output of long-finished jobs, keeps their rows and the audit.
import { expect, it } from 'vitest';
import type { EventRecord } from '../../../src/model/index.ts';
import type { StoreRef } from './fixtures.ts';
import { batch, chunk, newJob } from './fixtures.ts';

function started(jobId: string, seq: number, t: number): EventRecord {
  return { type: 'job:started', t, seq, jobId };
}

/** The retention tests of the contract. */
export function retentionContract(store: StoreRef): void {
  it('pruneJobData deletes events and output of finished jobs ended before the cut, oldest first, in batches', async () => {
    for (const id of ['old1', 'old2', 'new', 'live']) await store().createJob(newJob(id));
    await store().recordProgress(
      batch({
        jobs: [
          { id: 'old1', state: 'succeeded', startedAt: 10, endedAt: 100 },
          { id: 'old2', state: 'halted', reason: 'halted by bob', startedAt: 10, endedAt: 200 },
          { id: 'new', state: 'failed', startedAt: 10, endedAt: 9_000 },
          { id: 'live', state: 'running', startedAt: 10 },
        ],
        events: ['old1', 'old2', 'new', 'live'].flatMap((id) => [started(id, 1, 10), started(id, 2, 11)]),
        output: ['old1', 'old2', 'new', 'live'].map((id) => chunk(id, 'h1', 1, 0, `out of ${id}\n`)),
        hosts: ['old1', 'old2', 'new', 'live'].map((id) => ({ jobId: id, host: 'h1', attempt: 1 })),
      }),
    );
    await store().appendAudit({
      t: 50,
      user: 'alice',
      action: 'job.submit',
      subject: 'old1',
      detail: '',
      remote: 'x',
    });

    expect(await store().pruneJobData(5_000, 1, 10_000)).toEqual({ jobs: 1, events: 2, outputChunks: 1 });
    expect(await store().readEvents('old1', 0)).toEqual([]);
    expect((await store().readEvents('old2', 0)).length).toBe(2); // the limit left it for the next call
    expect(await store().pruneJobData(5_000, 10, 10_000)).toEqual({ jobs: 1, events: 2, outputChunks: 1 });
    expect(await store().pruneJobData(5_000, 10, 10_000)).toEqual({ jobs: 0, events: 0, outputChunks: 0 });

    for (const id of ['old1', 'old2']) {
      const job = await store().getJob(id);
      expect(job.endedAt).not.toBeNull(); // the summary stays
      expect((await store().allHosts(id)).map((h) => h.host)).toEqual(['h1', 'h2', 'h3']);
      expect((await store().readOutput(id, 'h1')).chunks).toEqual([]);
      expect(await store().lastEventSeq(id)).toBe(2); // new events of a revived job go on from 3
    }
    for (const id of ['new', 'live']) {
      expect((await store().readEvents(id, 0)).length).toBe(2);
      expect(Buffer.concat((await store().readOutput(id, 'h1')).chunks.map((c) => c.data)).toString()).toBe(
        `out of ${id}\n`,
      );
    }
    expect((await store().readAudit({ subject: 'old1' })).length).toBe(1);
    // A pruned job that is revived writes events after its old numbers.
    await store().recordProgress(batch({ events: [started('old2', 3, 20_000)] }));
    expect((await store().readEvents('old2', 0)).map((e) => e.seq)).toEqual([3]);
  });
}
