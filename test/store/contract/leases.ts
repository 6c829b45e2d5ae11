// Store contract: job leases (acquire, renew, expiry with a new epoch, refusal, release).
import { expect, it } from 'vitest';
import type { StoreRef } from './fixtures.ts';
import { batch, expectPogoError, newJob } from './fixtures.ts';

/** The lease tests of the contract. */
export function leaseContract(store: StoreRef): void {
  it('acquires a free lease, renews it for its owner, refuses another owner until it expires', async () => {
    await store().createJob(newJob('j-lease'));
    expect(await store().acquireLease('j-lease', 'd1', 1_000, 10_000)).toEqual({
      jobId: 'j-lease',
      owner: 'd1',
      epoch: 1,
      expiresAt: 11_000,
    });
    expect(await store().acquireLease('j-lease', 'd1', 1_000, 10_500)).toEqual({
      jobId: 'j-lease',
      owner: 'd1',
      epoch: 1,
      expiresAt: 11_500,
    });
    expect(await store().acquireLease('j-lease', 'd2', 1_000, 11_499)).toBeUndefined();
    expect(await store().acquireLease('j-lease', 'd2', 1_000, 11_500)).toEqual({
      jobId: 'j-lease',
      owner: 'd2',
      epoch: 2,
      expiresAt: 12_500,
    });
    // d1 lost it: its writes are fenced off, d2's go through.
    await expectPogoError(
      store().recordProgress(
        batch({ epochs: new Map([['j-lease', 1]]), jobs: [{ id: 'j-lease', state: 'running' }] }),
      ),
      'LEASE_LOST',
    );
    await store().recordProgress(
      batch({ epochs: new Map([['j-lease', 2]]), jobs: [{ id: 'j-lease', state: 'running' }] }),
    );
    expect((await store().getJob('j-lease')).state).toBe('running');
  });

  it('an owner whose lease expired gets a new epoch when it takes the job again', async () => {
    await store().createJob(newJob('j-exp'));
    await store().acquireLease('j-exp', 'd1', 100, 0);
    expect((await store().acquireLease('j-exp', 'd1', 100, 200))?.epoch).toBe(2);
  });

  it('releases only with the right owner and epoch; the next owner gets epoch + 1', async () => {
    await store().createJob(newJob('j-rel'));
    await store().acquireLease('j-rel', 'd1', 60_000, 0);
    await store().releaseLease('j-rel', 'd2', 1);
    await store().releaseLease('j-rel', 'd1', 7);
    expect(await store().acquireLease('j-rel', 'd2', 60_000, 1)).toBeUndefined();
    await store().releaseLease('j-rel', 'd1', 1);
    expect(await store().acquireLease('j-rel', 'd2', 60_000, 2)).toEqual({
      jobId: 'j-rel',
      owner: 'd2',
      epoch: 2,
      expiresAt: 60_002,
    });
  });

  it('a lease on an unknown job is STORE_NOT_FOUND', async () => {
    await expectPogoError(store().acquireLease('nope', 'd1', 1_000, 0), 'STORE_NOT_FOUND');
    await expectPogoError(store().releaseLease('nope', 'd1', 1), 'STORE_NOT_FOUND');
  });
}
