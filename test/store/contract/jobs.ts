// Store contract: creating, reading, finding and resolving jobs; active jobs and counts by state.
import { expect, it } from 'vitest';
import type { JobRecord, JobState } from '../../../src/model/index.ts';
import { JOB_STATES, emptyCounts } from '../../../src/model/index.ts';
import type { JobFilter } from '../../../src/store/index.ts';
import type { StoreRef } from './fixtures.ts';
import { OPTIONS, batch, expectPogoError, hostNames, newJob, walkPages } from './fixtures.ts';

/** The job tests of the contract. */
export function jobContract(store: StoreRef): void {
  it('createJob returns the record getJob reads back, with every host waiting in plan order', async () => {
    const created = await store().createJob(newJob('j-1', { hosts: ['c', 'a', 'b'], rollbackOf: null }));
    expect(created).toEqual({
      id: 'j-1',
      namespace: 'web',
      user: 'alice',
      command: 'uptime',
      targets: 'h[1-3]',
      state: 'pending',
      reason: '',
      createdAt: 1_700_000_000_000,
      startedAt: null,
      endedAt: null,
      configVersion: 1,
      options: OPTIONS,
      hostCount: 3,
      counts: { ...emptyCounts(), waiting: 3 },
      rollbackOf: null,
    });
    expect(await store().getJob('j-1')).toEqual(created);
    const hosts = await store().allHosts('j-1');
    expect(hosts.map((h) => [h.host, h.index, h.state, h.attempt])).toEqual([
      ['c', 0, 'waiting', 0],
      ['a', 1, 'waiting', 0],
      ['b', 2, 'waiting', 0],
    ]);
    expect(hosts[0]).toEqual({
      jobId: 'j-1',
      host: 'c',
      index: 0,
      state: 'waiting',
      attempt: 0,
      startedAt: null,
      endedAt: null,
      exitCode: null,
      signal: null,
      message: '',
      errorCode: null,
      worker: null,
      outputBytes: 0,
      truncated: false,
    });
  });

  it('keeps a rollback link and a job without a config version', async () => {
    await store().createJob(newJob('j-orig'));
    const rb = await store().createJob(newJob('j-rb', { rollbackOf: 'j-orig', configVersion: null }));
    expect(await store().getJob('j-rb')).toEqual(rb);
    expect(rb.rollbackOf).toBe('j-orig');
    expect(rb.configVersion).toBeNull();
  });

  it('refuses a second job with the same id (STORE_CONFLICT) and reports unknown ids (STORE_NOT_FOUND)', async () => {
    await store().createJob(newJob('j-dup'));
    await expectPogoError(store().createJob(newJob('j-dup', { hosts: ['x'] })), 'STORE_CONFLICT');
    expect((await store().allHosts('j-dup')).map((h) => h.host)).toEqual(['h1', 'h2', 'h3']);
    await expectPogoError(store().getJob('nope'), 'STORE_NOT_FOUND');
  });

  it('stores a 10,000-host job whole', async () => {
    const names = hostNames(10_000);
    const job = await store().createJob(newJob('j-big', { hosts: names }));
    expect(job.hostCount).toBe(10_000);
    expect(job.counts.waiting).toBe(10_000);
    const all = await store().allHosts('j-big');
    expect(all.length).toBe(10_000);
    expect(all.every((h, i) => h.index === i && h.host === names[i])).toBe(true);
    expect((await store().getHost('j-big', names[9_999] ?? '')).index).toBe(9_999);
  });

  it('findJobs lists newest first, ties broken by id, and walks every page exactly once under each filter', async () => {
    const jobs: JobRecord[] = [];
    const users = ['alice', 'bob', 'carol'];
    for (let i = 0; i < 23; i++) {
      jobs.push(
        await store().createJob(
          newJob(`job-${String(i).padStart(2, '0')}`, {
            createdAt: 1_000 + Math.floor(i / 3), // groups of three share a creation time
            user: users[i % 3] ?? 'alice',
            namespace: i % 2 === 0 ? 'web' : 'db',
            command: i % 4 === 0 ? `Deploy release ${i}` : `uptime ${i}`,
            targets: i % 5 === 0 ? 'web[01-10]' : 'db1',
            hosts: i % 6 === 0 ? ['shared.example.com', `own${i}`] : [`own${i}`],
          }),
        ),
      );
    }
    const states: JobState[] = ['running', 'succeeded', 'failed'];
    const updates = jobs.map((j, i) => ({ id: j.id, state: states[i % 3] ?? 'running' }));
    await store().recordProgress(batch({ jobs: updates }));
    const stateOf = new Map(updates.map((u) => [u.id, u.state]));
    const newestFirst = [...jobs].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));

    const withShared = new Set(jobs.filter((_, i) => i % 6 === 0).map((j) => j.id));
    const cases: { filter: JobFilter; keep: (j: JobRecord) => boolean }[] = [
      { filter: {}, keep: () => true },
      { filter: { user: 'bob' }, keep: (j) => j.user === 'bob' },
      { filter: { state: ['running', 'failed'] }, keep: (j) => stateOf.get(j.id) !== 'succeeded' },
      { filter: { namespace: 'db' }, keep: (j) => j.namespace === 'db' },
      { filter: { host: 'shared.example.com' }, keep: (j) => withShared.has(j.id) },
      { filter: { text: 'DEPLOY' }, keep: (j) => j.command.startsWith('Deploy') },
      { filter: { text: 'web[01' }, keep: (j) => j.targets === 'web[01-10]' },
      { filter: { text: 'job-1' }, keep: (j) => j.id.startsWith('job-1') },
      {
        filter: { user: 'alice', namespace: 'web' },
        keep: (j) => j.user === 'alice' && j.namespace === 'web',
      },
    ];
    for (const { filter, keep } of cases) {
      const expected = newestFirst.filter(keep).map((j) => j.id);
      expect(expected.length, JSON.stringify(filter)).toBeGreaterThan(0);
      for (const limit of [1, 4, 50]) {
        const { items, pages } = await walkPages((cursor) =>
          store().findJobs({ ...filter, limit, ...(cursor === undefined ? {} : { cursor }) }),
        );
        expect(
          items.map((j) => j.id),
          `${JSON.stringify(filter)} limit ${limit}`,
        ).toEqual(expected);
        expect(pages).toBe(Math.max(1, Math.ceil(expected.length / limit)));
      }
    }
    const first = await store().findJobs({ limit: 1 });
    expect(first.items[0]).toEqual({ ...newestFirst[0], state: stateOf.get(newestFirst[0]?.id ?? '') });
  });

  it('findJobs pages 50 by default and rejects a cursor it did not hand out', async () => {
    for (let i = 0; i < 55; i++)
      await store().createJob(newJob(`p-${String(i).padStart(2, '0')}`, { createdAt: i, hosts: ['h'] }));
    const page = await store().findJobs({});
    expect(page.items.length).toBe(50);
    expect(page.next).toBeDefined();
    const rest = await store().findJobs({ cursor: page.next ?? '' });
    expect(rest.items.length).toBe(5);
    expect(rest.next).toBeUndefined();
    expect((await store().findJobs({ limit: 55 })).next).toBeUndefined();
    await expectPogoError(store().findJobs({ cursor: 'not-a-cursor' }), 'STORE_NOT_FOUND');
  });

  it('findJobs returns 500 jobs a page at most', async () => {
    for (let i = 0; i < 501; i++)
      await store().createJob(newJob(`m-${String(i).padStart(3, '0')}`, { createdAt: i, hosts: ['h'] }));
    const page = await store().findJobs({ limit: 10_000 });
    expect(page.items.length).toBe(500);
    expect(page.items[0]?.id).toBe('m-500');
    const rest = await store().findJobs({ limit: 10_000, cursor: page.next ?? '' });
    expect(rest.items.map((j) => j.id)).toEqual(['m-000']);
  });

  it('resolveJobId takes an exact id, a unique prefix, or last (of a user)', async () => {
    await store().createJob(newJob('abc123', { createdAt: 1, user: 'alice' }));
    await store().createJob(newJob('abd456', { createdAt: 2, user: 'bob' }));
    await store().createJob(newJob('abc1', { createdAt: 3, user: 'alice' }));
    await store().createJob(newJob('zz9', { createdAt: 3, user: 'carol' }));
    expect(await store().resolveJobId('abd456')).toBe('abd456');
    expect(await store().resolveJobId('abd')).toBe('abd456');
    expect(await store().resolveJobId('abc12')).toBe('abc123');
    expect(await store().resolveJobId('abc1')).toBe('abc1'); // exact beats being a prefix of abc123
    const ambiguous = await expectPogoError(store().resolveJobId('ab'), 'STORE_CONFLICT');
    expect(ambiguous.message).toContain('3');
    await expectPogoError(store().resolveJobId('abc'), 'STORE_CONFLICT');
    await expectPogoError(store().resolveJobId('nothing'), 'STORE_NOT_FOUND');
    expect(await store().resolveJobId('last')).toBe('zz9'); // same time as abc1: the larger id is newer
    expect(await store().resolveJobId('last', 'alice')).toBe('abc1');
    expect(await store().resolveJobId('last', 'bob')).toBe('abd456');
    await expectPogoError(store().resolveJobId('last', 'dave'), 'STORE_NOT_FOUND');
  });

  it('resolveJobId last with no jobs is STORE_NOT_FOUND', async () => {
    await expectPogoError(store().resolveJobId('last'), 'STORE_NOT_FOUND');
  });

  it('activeJobs returns pending, running and needs-password jobs; countJobsByState counts every state', async () => {
    const empty = await store().countJobsByState();
    expect(empty).toEqual(Object.fromEntries(JOB_STATES.map((s) => [s, 0])));
    for (const id of ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7']) await store().createJob(newJob(id));
    await store().recordProgress(
      batch({
        jobs: [
          { id: 'a2', state: 'running', startedAt: 5 },
          { id: 'a3', state: 'succeeded', endedAt: 9 },
          { id: 'a4', state: 'halted', reason: 'halted by bob' },
          { id: 'a5', state: 'failed' },
          { id: 'a6', state: 'running' },
          { id: 'a7', state: 'needs-password', reason: 'the password is gone' },
        ],
      }),
    );
    const active = await store().activeJobs();
    expect(active.map((j) => j.id).sort()).toEqual(['a1', 'a2', 'a6', 'a7']);
    expect(active.find((j) => j.id === 'a2')?.startedAt).toBe(5);
    expect(await store().countJobsByState()).toEqual({
      pending: 1,
      running: 2,
      'needs-password': 1,
      succeeded: 1,
      failed: 1,
      halted: 1,
    });
  });
}
