// Store contract: namespace leases, the active jobs' leases, job requests, and the change feed (watch).
import { expect, it } from 'vitest';
import type { StoreChange } from '../../../src/store/index.ts';
import type { StoreRef } from './fixtures.ts';
import { batch, expectPogoError, newJob } from './fixtures.ts';

/** Wait (at most 5 s) until `pred` holds for the changes seen so far. */
async function until(
  changes: StoreChange[],
  pred: (c: StoreChange) => boolean,
  from = 0,
): Promise<StoreChange> {
  for (let i = 0; i < 250; i++) {
    const hit = changes.slice(from).find(pred);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no such change among ${JSON.stringify(changes)}`);
}

/** The cluster tests of the contract. */
export function clusterContract(store: StoreRef): void {
  it('a namespace lease: taken when free, renewed by its owner, refused to another until it expires', async () => {
    expect(await store().acquireNamespaceLease('web', 'd1', 1_000, 10_000)).toEqual({
      namespace: 'web',
      owner: 'd1',
      epoch: 1,
      expiresAt: 11_000,
    });
    expect((await store().acquireNamespaceLease('web', 'd1', 1_000, 10_500))?.epoch).toBe(1);
    expect(await store().acquireNamespaceLease('web', 'd2', 1_000, 11_499)).toBeUndefined();
    // Another namespace is free.
    expect((await store().acquireNamespaceLease('db', 'd2', 1_000, 11_000))?.owner).toBe('d2');
    expect(await store().acquireNamespaceLease('web', 'd2', 1_000, 11_500)).toEqual({
      namespace: 'web',
      owner: 'd2',
      epoch: 2,
      expiresAt: 12_500,
    });
    // Released with the wrong epoch: nothing changes; with the right one: free, the next taker gets + 1.
    await store().releaseNamespaceLease('web', 'd2', 1);
    expect(await store().acquireNamespaceLease('web', 'd1', 1_000, 11_600)).toBeUndefined();
    await store().releaseNamespaceLease('web', 'd2', 2);
    expect((await store().acquireNamespaceLease('web', 'd1', 1_000, 11_600))?.epoch).toBe(3);
  });

  it('lists the lease of every active job, oldest first, and not finished ones', async () => {
    await store().createJob(newJob('j-a', { createdAt: 1 }));
    await store().createJob(newJob('j-b', { createdAt: 2 }));
    await store().createJob(newJob('j-c', { createdAt: 3 }));
    await store().acquireLease('j-b', 'd1', 1_000, 100);
    await store().recordProgress(
      batch({ epochs: new Map([['j-b', 1]]), jobs: [{ id: 'j-b', state: 'running' }] }),
    );
    await store().acquireLease('j-c', 'd1', 1_000, 100);
    await store().recordProgress(
      batch({ epochs: new Map([['j-c', 1]]), jobs: [{ id: 'j-c', state: 'succeeded' }] }),
    );
    const leases = await store().activeLeases();
    expect(leases.map((l) => l.jobId)).toEqual(['j-a', 'j-b']);
    expect(leases[0]).toMatchObject({ state: 'pending', createdAt: 1, owner: null, expiresAt: null });
    expect(leases[1]).toMatchObject({ state: 'running', owner: 'd1', expiresAt: 1_100 });
  });

  it('queues requests per job, lists the open ones oldest first, answers each once', async () => {
    await store().createJob(newJob('j-r'));
    await store().createJob(newJob('j-s'));
    const halt = await store().addJobRequest('j-r', { kind: 'halt', kill: true }, 'alice', 10);
    const retry = await store().addJobRequest('j-r', { kind: 'retry', hosts: ['h1', 'h2'] }, 'bob', 11);
    await store().addJobRequest('j-s', { kind: 'resume' }, 'carol', 12);
    expect(halt).toMatchObject({ jobId: 'j-r', action: { kind: 'halt', kill: true }, by: 'alice' });
    expect(halt.doneAt).toBeNull();
    expect((await store().openJobRequests(['j-r'])).map((r) => r.id)).toEqual([halt.id, retry.id]);
    expect(await store().openJobRequests([])).toEqual([]);
    await store().finishJobRequest(halt.id, null, 20);
    await store().finishJobRequest(retry.id, { code: 'JOB_BAD_STATE', message: 'h1 is succeeded' }, 21);
    // Already answered: the first answer stays.
    await store().finishJobRequest(retry.id, null, 22);
    expect(await store().getJobRequest(halt.id)).toMatchObject({ doneAt: 20, error: null });
    expect(await store().getJobRequest(retry.id)).toMatchObject({
      doneAt: 21,
      error: { code: 'JOB_BAD_STATE', message: 'h1 is succeeded' },
      action: { kind: 'retry', hosts: ['h1', 'h2'] },
    });
    expect((await store().openJobRequests(['j-r', 'j-s'])).map((r) => r.jobId)).toEqual(['j-s']);
    await expectPogoError(store().addJobRequest('nope', { kind: 'resume' }, 'x', 1), 'STORE_NOT_FOUND');
    await expectPogoError(store().getJobRequest(999_999), 'STORE_NOT_FOUND');
    await expectPogoError(store().finishJobRequest(999_999, null, 1), 'STORE_NOT_FOUND');
  });

  it('tells watchers of new jobs, stored events, released leases and requests; not after unwatching', async () => {
    const seen: StoreChange[] = [];
    const off = store().watch((c) => seen.push(c));
    // PostgreSQL's listening connection comes up asynchronously: wait until a change gets through.
    for (let i = 0; i < 100 && seen.length === 0; i++) {
      await store().createJob(newJob(`j-w${i}`));
      await new Promise((r) => setTimeout(r, 50));
    }
    await until(seen, (c) => c.topic === 'job' && c.jobId?.startsWith('j-w') === true);
    await store().createJob(newJob('j-watch'));
    await until(seen, (c) => c.topic === 'job' && c.jobId === 'j-watch');
    await store().acquireLease('j-watch', 'd1', 60_000, 1);
    await store().recordProgress(
      batch({
        epochs: new Map([['j-watch', 1]]),
        events: [{ jobId: 'j-watch', seq: 1, t: 1, type: 'job:started' }],
      }),
    );
    await until(seen, (c) => c.topic === 'events' && c.jobId === 'j-watch');
    const req = await store().addJobRequest('j-watch', { kind: 'resume' }, 'alice', 2);
    await until(seen, (c) => c.topic === 'request' && c.jobId === 'j-watch');
    const before = seen.length;
    await store().finishJobRequest(req.id, null, 3);
    await until(seen, (c) => c.topic === 'request', before);
    seen.length = 0;
    await store().releaseLease('j-watch', 'd1', 1);
    await until(seen, (c) => c.topic === 'job' && c.jobId === 'j-watch');
    off();
    seen.length = 0;
    await store().createJob(newJob('j-after'));
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual([]);
  });
}
