// Store contract: recordProgress (partial updates, fencing, atomicity) and the event log.
import { expect, it } from 'vitest';
import type { EventRecord } from '../../../src/model/index.ts';
import type { StoreRef } from './fixtures.ts';
import { batch, chunk, expectPogoError, newJob, started } from './fixtures.ts';

/** The progress and event tests of the contract. */
export function progressContract(store: StoreRef): void {
  it('recordProgress changes only the fields given', async () => {
    const job = await store().createJob(newJob('j-p'));
    const h1 = await store().getHost('j-p', 'h1');
    await store().recordProgress(batch({ jobs: [{ id: 'j-p', state: 'running', startedAt: 10 }] }, ['j-p']));
    expect(await store().getJob('j-p')).toEqual({ ...job, state: 'running', startedAt: 10 });
    const counts = { ...job.counts, waiting: 2, running: 1 };
    await store().recordProgress(batch({ jobs: [{ id: 'j-p', reason: 'why', counts }] }, ['j-p']));
    expect(await store().getJob('j-p')).toEqual({
      ...job,
      state: 'running',
      startedAt: 10,
      reason: 'why',
      counts,
    });

    const full = {
      state: 'failed' as const,
      attempt: 2,
      startedAt: 100,
      endedAt: 200,
      exitCode: 3,
      signal: 'TERM',
      message: 'exit 3',
      errorCode: 'SSH_UNREACHABLE',
      worker: 'w1',
      truncated: true,
    };
    await store().recordProgress(batch({ hosts: [{ jobId: 'j-p', host: 'h1', ...full }] }, ['j-p']));
    expect(await store().getHost('j-p', 'h1')).toEqual({ ...h1, ...full });
    await store().recordProgress(
      batch({ hosts: [{ jobId: 'j-p', host: 'h1', state: 'running', exitCode: null }] }),
    );
    expect(await store().getHost('j-p', 'h1')).toEqual({ ...h1, ...full, state: 'running', exitCode: null });
    await store().recordProgress(
      batch({
        hosts: [{ jobId: 'j-p', host: 'h1', signal: null, errorCode: null, worker: null, truncated: false }],
      }),
    );
    expect(await store().getHost('j-p', 'h1')).toEqual({
      ...h1,
      ...full,
      state: 'running',
      exitCode: null,
      signal: null,
      errorCode: null,
      worker: null,
      truncated: false,
    });
    expect((await store().getHost('j-p', 'h2')).state).toBe('waiting');
  });

  it('a batch from an older lease epoch is refused with LEASE_LOST and writes nothing', async () => {
    await store().createJob(newJob('j-l'));
    await store().createJob(newJob('j-other'));
    await store().recordProgress(
      batch({ events: [started('j-l', 1, 'h1')], output: [chunk('j-l', 'h1', 1, 0, 'one\n')] }, ['j-l']),
    );
    const lease = await store().acquireLease('j-l', 'd2', 30_000, 1_000);
    expect(lease?.epoch).toBe(1);
    const before = {
      job: await store().getJob('j-l'),
      hosts: await store().allHosts('j-l'),
      events: await store().readEvents('j-l', 0),
      output: await store().readOutput('j-l', 'h1', { attempt: 1 }),
      other: await store().allHosts('j-other'),
    };
    const stale = batch({
      epochs: new Map([
        ['j-other', 0],
        ['j-l', 0],
      ]),
      jobs: [{ id: 'j-l', state: 'running' }],
      hosts: [
        { jobId: 'j-other', host: 'h1', state: 'running' },
        { jobId: 'j-l', host: 'h1', state: 'running', attempt: 1 },
      ],
      events: [started('j-l', 2, 'h2'), started('j-other', 1, 'h1')],
      output: [chunk('j-l', 'h1', 1, 1, 'two\n')],
    });
    const e = await expectPogoError(store().recordProgress(stale), 'LEASE_LOST');
    expect(e.message).toContain('j-l');
    expect({
      job: await store().getJob('j-l'),
      hosts: await store().allHosts('j-l'),
      events: await store().readEvents('j-l', 0),
      output: await store().readOutput('j-l', 'h1', { attempt: 1 }),
      other: await store().allHosts('j-other'),
    }).toEqual(before);
    expect(await store().lastEventSeq('j-other')).toBe(0);
    expect(await store().lastOutputSeq('j-l', 'h1', 1)).toBe(0);
    await store().recordProgress({
      ...stale,
      epochs: new Map([
        ['j-l', 1],
        ['j-other', 0],
      ]),
    });
    expect((await store().getHost('j-l', 'h1')).state).toBe('running');
    expect(await store().lastEventSeq('j-l')).toBe(2);
  });

  it('a duplicate event seq is STORE_CONFLICT and the whole batch is rolled back', async () => {
    await store().createJob(newJob('j-d'));
    await store().recordProgress(batch({ events: [started('j-d', 1, 'h1')] }, ['j-d']));
    const bad = batch(
      {
        jobs: [{ id: 'j-d', state: 'running' }],
        hosts: [{ jobId: 'j-d', host: 'h2', state: 'running' }],
        events: [started('j-d', 2, 'h2'), started('j-d', 1, 'h3')],
        output: [chunk('j-d', 'h2', 1, 0, 'x')],
      },
      ['j-d'],
    );
    await expectPogoError(store().recordProgress(bad), 'STORE_CONFLICT');
    expect((await store().getJob('j-d')).state).toBe('pending');
    expect((await store().getHost('j-d', 'h2')).state).toBe('waiting');
    expect((await store().getHost('j-d', 'h2')).outputBytes).toBe(0);
    expect(await store().readEvents('j-d', 0)).toEqual([started('j-d', 1, 'h1')]);
    expect(await store().lastOutputSeq('j-d', 'h2', 1)).toBe(-1);
    const twiceInOneBatch = batch({ events: [started('j-d', 5, 'h1'), started('j-d', 5, 'h2')] });
    await expectPogoError(store().recordProgress(twiceInOneBatch), 'STORE_CONFLICT');
    expect(await store().lastEventSeq('j-d')).toBe(1);
  });

  it('an update of an unknown job or host is STORE_NOT_FOUND and writes nothing', async () => {
    await store().createJob(newJob('j-u'));
    const events = [started('j-u', 1, 'h1')];
    await expectPogoError(
      store().recordProgress(batch({ events, hosts: [{ jobId: 'j-u', host: 'nope', state: 'running' }] })),
      'STORE_NOT_FOUND',
    );
    await expectPogoError(
      store().recordProgress(batch({ events, jobs: [{ id: 'nope', state: 'running' }] })),
      'STORE_NOT_FOUND',
    );
    await expectPogoError(store().recordProgress(batch({ events }, ['nope'])), 'STORE_NOT_FOUND');
    expect(await store().lastEventSeq('j-u')).toBe(0);
  });

  it('events come back deep-equal, oldest first, after a seq and up to a limit', async () => {
    await store().createJob(newJob('j-e'));
    const events: EventRecord[] = [
      { jobId: 'j-e', seq: 1, type: 'job:submitted', t: 1, by: 'alice' },
      { jobId: 'j-e', seq: 2, type: 'job:started', t: 2 },
      started('j-e', 3, 'h1'),
      { jobId: 'j-e', seq: 4, type: 'host:failed', t: 4, host: 'h1', exitCode: 3, message: 'exit 3' },
      {
        jobId: 'j-e',
        seq: 5,
        type: 'host:unreachable',
        t: 5,
        host: 'h2',
        exitCode: null,
        message: 'unreachable: refused',
        errorCode: 'SSH_UNREACHABLE',
      },
      { jobId: 'j-e', seq: 6, type: 'host:succeeded', t: 6, host: 'h3' },
      { jobId: 'j-e', seq: 7, type: 'job:halt-requested', t: 7, by: 'bob', kill: true },
      { jobId: 'j-e', seq: 8, type: 'host:halted', t: 8, host: 'h3', reason: 'halted by bob' },
      { jobId: 'j-e', seq: 9, type: 'host:requeued', t: 9, host: 'h2', reason: 'worker w1 lost' },
      { jobId: 'j-e', seq: 10, type: 'job:halted', t: 10, reason: 'halted by bob' },
      { jobId: 'j-e', seq: 11, type: 'job:resumed', t: 11 },
    ];
    expect(await store().lastEventSeq('j-e')).toBe(0);
    await store().recordProgress(batch({ events: events.slice(0, 4) }, ['j-e']));
    await store().recordProgress(batch({ events: events.slice(4) }, ['j-e']));
    const read = await store().readEvents('j-e', 0);
    expect(read).toStrictEqual(events);
    expect(await store().readEvents('j-e', 8)).toStrictEqual(events.slice(8));
    expect(await store().readEvents('j-e', 2, 3)).toStrictEqual(events.slice(2, 5));
    expect(await store().readEvents('j-e', 11)).toEqual([]);
    expect(await store().lastEventSeq('j-e')).toBe(11);
    await expectPogoError(store().readEvents('nope', 0), 'STORE_NOT_FOUND');
    await expectPogoError(store().lastEventSeq('nope'), 'STORE_NOT_FOUND');
  });

  it('readEvents returns 1,000 events by default', async () => {
    await store().createJob(newJob('j-many'));
    const events = Array.from({ length: 1_005 }, (_, i) => started('j-many', i + 1, 'h1'));
    await store().recordProgress(batch({ events }, ['j-many']));
    const first = await store().readEvents('j-many', 0);
    expect(first.length).toBe(1_000);
    expect(first.at(-1)?.seq).toBe(1_000);
    expect((await store().readEvents('j-many', 1_000)).length).toBe(5);
  });
}
