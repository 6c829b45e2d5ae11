// Store contract: output chunks (offsets, idempotent resends, byte counts) and reading byte ranges back.
import { expect, it } from 'vitest';
import type { OutputPage } from '../../../src/store/index.ts';
import type { StoreRef } from './fixtures.ts';
import { batch, chunk, expectPogoError, newJob } from './fixtures.ts';

function text(page: OutputPage): string {
  return Buffer.concat(page.chunks.map((c) => c.data)).toString();
}

/** The output tests of the contract. */
export function outputContract(store: StoreRef): void {
  it('computes offsets per host attempt, ignores resent chunks and counts their bytes once', async () => {
    await store().createJob(newJob('j-o'));
    expect(await store().lastOutputSeq('j-o', 'h1', 1)).toBe(-1);
    await store().recordProgress(
      batch({
        output: [
          chunk('j-o', 'h1', 1, 0, 'hello '),
          chunk('j-o', 'h2', 1, 0, 'other'),
          chunk('j-o', 'h1', 1, 1, 'world\n'),
        ],
      }),
    );
    // A resend of seq 1 (different bytes: ignored all the same) and a new seq 2, plus a second attempt.
    await store().recordProgress(
      batch({
        output: [
          chunk('j-o', 'h1', 1, 1, 'WORLD?'),
          chunk('j-o', 'h1', 1, 2, 'bye\n', { stream: 'stderr', source: 'post:notify' }),
          chunk('j-o', 'h1', 2, 0, 'again\n'),
        ],
      }),
    );
    await store().recordProgress(batch({ hosts: [{ jobId: 'j-o', host: 'h1', attempt: 1 }] }));
    const page = await store().readOutput('j-o', 'h1');
    expect(page.attempt).toBe(1);
    expect(page.chunks.map((c) => [c.seq, c.offset, c.data.toString(), c.stream, c.source])).toEqual([
      [0, 0, 'hello ', 'stdout', 'command'],
      [1, 6, 'world\n', 'stdout', 'command'],
      [2, 12, 'bye\n', 'stderr', 'post:notify'],
    ]);
    expect(page.chunks[0]).toEqual({
      jobId: 'j-o',
      host: 'h1',
      attempt: 1,
      seq: 0,
      offset: 0,
      t: 1000,
      stream: 'stdout',
      source: 'command',
      data: Buffer.from('hello '),
    });
    expect(page.total).toBe(16);
    expect(page.nextOffset).toBe(16);
    expect(page.truncated).toBe(false);
    const second = await store().readOutput('j-o', 'h1', { attempt: 2 });
    expect(second.chunks.map((c) => [c.offset, c.data.toString()])).toEqual([[0, 'again\n']]);
    expect(second.total).toBe(6);
    expect((await store().getHost('j-o', 'h1')).outputBytes).toBe(16 + 6);
    expect((await store().getHost('j-o', 'h2')).outputBytes).toBe(5);
    expect(await store().lastOutputSeq('j-o', 'h1', 1)).toBe(2);
    expect(await store().lastOutputSeq('j-o', 'h1', 2)).toBe(0);
    expect(await store().lastOutputSeq('j-o', 'h1', 3)).toBe(-1);
    expect(await store().lastOutputSeq('j-o', 'h3', 1)).toBe(-1);
  });

  it('readOutput cuts a chunk spanning the offset, returns whole chunks up to the limit, at least one', async () => {
    await store().createJob(newJob('j-r'));
    const parts = ['aaaa', 'bbbbbb', 'cc', 'dddddddd', 'e'];
    await store().recordProgress(
      batch({
        hosts: [{ jobId: 'j-r', host: 'h1', attempt: 1, truncated: true }],
        output: parts.map((p, i) => chunk('j-r', 'h1', 1, i, p)),
      }),
    );
    const all = parts.join('');
    const mid = await store().readOutput('j-r', 'h1', { offset: 6 });
    expect(mid.chunks[0]).toMatchObject({ seq: 1, offset: 6 });
    expect(text(mid)).toBe(all.slice(6));
    expect(mid.nextOffset).toBe(all.length);
    expect(mid.total).toBe(all.length);
    expect(mid.truncated).toBe(true);

    const limited = await store().readOutput('j-r', 'h1', { offset: 0, limit: 11 });
    expect(limited.chunks.map((c) => c.seq)).toEqual([0, 1]); // 4 + 6; the next chunk would pass 11
    expect(limited.nextOffset).toBe(10);
    const atLeastOne = await store().readOutput('j-r', 'h1', { offset: 12, limit: 3 });
    expect(atLeastOne.chunks.map((c) => [c.seq, c.offset, c.data.toString()])).toEqual([[3, 12, 'dddddddd']]);
    expect(atLeastOne.nextOffset).toBe(20);
    const cutAndLimited = await store().readOutput('j-r', 'h1', { offset: 5, limit: 7 });
    expect(cutAndLimited.chunks.map((c) => c.data.toString())).toEqual(['bbbbb', 'cc']);
    expect(cutAndLimited.nextOffset).toBe(12);

    for (const limit of [1, 3, 7, 100]) {
      let offset = 0;
      let got = '';
      for (let reads = 0; offset < all.length && reads < 50; reads++) {
        const page = await store().readOutput('j-r', 'h1', { offset, limit });
        got += text(page);
        offset = page.nextOffset;
      }
      expect(got, `limit ${limit}`).toBe(all);
    }
    const end = await store().readOutput('j-r', 'h1', { offset: all.length });
    expect(end.chunks).toEqual([]);
    expect(end.nextOffset).toBe(all.length);
  });

  it('readOutput of a host that has not run (attempt 0) is an empty page', async () => {
    await store().createJob(newJob('j-z'));
    expect(await store().readOutput('j-z', 'h2')).toEqual({
      attempt: 0,
      chunks: [],
      nextOffset: 0,
      total: 0,
      truncated: false,
    });
    const none = await store().readOutput('j-z', 'h2', { attempt: 4 });
    expect(none.chunks).toEqual([]);
    expect(none.total).toBe(0);
    await expectPogoError(store().readOutput('j-z', 'nope'), 'STORE_NOT_FOUND');
    await expectPogoError(store().readOutput('nope', 'h1'), 'STORE_NOT_FOUND');
    await expectPogoError(store().lastOutputSeq('nope', 'h1', 1), 'STORE_NOT_FOUND');
  });

  it('binary output comes back byte for byte', async () => {
    await store().createJob(newJob('j-b'));
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await store().recordProgress(batch({ output: [chunk('j-b', 'h1', 1, 0, '', { data: bytes })] }));
    const page = await store().readOutput('j-b', 'h1', { attempt: 1 });
    expect(Buffer.compare(page.chunks[0]?.data ?? Buffer.alloc(0), bytes)).toBe(0);
  });
}
