// Store contract: a job's hosts in pages and whole, one host, and a host's runs across jobs.
import { expect, it } from 'vitest';
import type { HostRecord, HostState } from '../../../src/model/index.ts';
import type { HostFilter } from '../../../src/store/index.ts';
import type { StoreRef } from './fixtures.ts';
import { batch, expectPogoError, hostNames, newJob, walkPages } from './fixtures.ts';

/** The host tests of the contract. */
export function hostContract(store: StoreRef): void {
  it('listHosts walks every page exactly once in plan order, under state and text filters', async () => {
    const names = [...hostNames(30, 'web'), ...hostNames(17, 'DB')];
    await store().createJob(newJob('j-h', { hosts: names }));
    const states: HostState[] = ['waiting', 'running', 'succeeded', 'failed'];
    await store().recordProgress(
      batch({ hosts: names.map((host, i) => ({ jobId: 'j-h', host, state: states[i % 4] ?? 'waiting' })) }),
    );
    const all = await store().allHosts('j-h');
    const cases: { filter: HostFilter; keep: (h: HostRecord) => boolean }[] = [
      { filter: {}, keep: () => true },
      {
        filter: { state: ['failed', 'running'] },
        keep: (h) => h.state === 'failed' || h.state === 'running',
      },
      { filter: { text: 'db0001' }, keep: (h) => h.host.toLowerCase().includes('db0001') },
      {
        filter: { text: 'WEB', state: ['succeeded'] },
        keep: (h) => h.host.startsWith('web') && h.state === 'succeeded',
      },
    ];
    for (const { filter, keep } of cases) {
      const expected = all.filter(keep);
      expect(expected.length, JSON.stringify(filter)).toBeGreaterThan(0);
      for (const limit of [1, 7, 100]) {
        const { items, pages } = await walkPages((cursor) =>
          store().listHosts('j-h', { ...filter, limit, ...(cursor === undefined ? {} : { cursor }) }),
        );
        expect(items, `${JSON.stringify(filter)} limit ${limit}`).toEqual(expected);
        expect(pages).toBe(Math.max(1, Math.ceil(expected.length / limit)));
      }
    }
    const firstPage = await store().listHosts('j-h');
    expect(firstPage.items.length).toBe(47);
    expect(firstPage.next).toBeUndefined();
  });

  it('listHosts pages 100 hosts by default', async () => {
    await store().createJob(newJob('j-def', { hosts: hostNames(150) }));
    const page = await store().listHosts('j-def');
    expect(page.items.length).toBe(100);
    const rest = await store().listHosts('j-def', { cursor: page.next ?? '' });
    expect(rest.items.map((h) => h.index)).toEqual(Array.from({ length: 50 }, (_, i) => 100 + i));
    expect(rest.next).toBeUndefined();
  });

  it('reports an unknown job or host as STORE_NOT_FOUND', async () => {
    await store().createJob(newJob('j-k'));
    await expectPogoError(store().listHosts('nope'), 'STORE_NOT_FOUND');
    await expectPogoError(store().allHosts('nope'), 'STORE_NOT_FOUND');
    await expectPogoError(store().getHost('nope', 'h1'), 'STORE_NOT_FOUND');
    await expectPogoError(store().getHost('j-k', 'h9'), 'STORE_NOT_FOUND');
    expect((await store().listHosts('j-k', { text: 'zzz' })).items).toEqual([]);
  });

  it('hostHistory lists the runs of a host across jobs, newest job first', async () => {
    await store().createJob(newJob('old', { createdAt: 1, hosts: ['a', 'x'] }));
    await store().createJob(newJob('mid', { createdAt: 2, hosts: ['b'] }));
    await store().createJob(newJob('new', { createdAt: 3, hosts: ['x', 'a'] }));
    await store().recordProgress(
      batch({
        hosts: [
          { jobId: 'old', host: 'x', state: 'failed', attempt: 2, exitCode: 3 },
          { jobId: 'new', host: 'x', state: 'succeeded', attempt: 1, exitCode: 0 },
        ],
      }),
    );
    const history = await store().hostHistory('x');
    expect(history.map((h) => [h.jobId, h.state, h.attempt, h.exitCode, h.index])).toEqual([
      ['new', 'succeeded', 1, 0, 0],
      ['old', 'failed', 2, 3, 1],
    ]);
    expect((await store().hostHistory('x', 1)).map((h) => h.jobId)).toEqual(['new']);
    expect(await store().hostHistory('never-ran')).toEqual([]);
  });
}
