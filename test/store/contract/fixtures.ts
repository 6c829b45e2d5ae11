// Builders and assertions the store contract suite shares: jobs, batches, chunks, expected errors.
import { expect } from 'vitest';
import type { ErrorCode, EventRecord, JobOptions, PogoError } from '../../../src/model/index.ts';
import { isPogoError } from '../../../src/model/index.ts';
import type { NewJob, OutputAppend, ProgressBatch, Store } from '../../../src/store/index.ts';

/** The store under test, valid inside a test (the suite opens a fresh one per test). */
export type StoreRef = () => Store;

/** Job options as a submission would give them. */
export const OPTIONS: JobOptions = {
  maxParallel: '10%',
  maxFailures: '2',
  task: {
    command: 'uptime',
    hooks: {
      pre: true,
      post: false,
      preDir: '/etc/pogo/pre',
      postDir: '/etc/pogo/post',
      inlinePre: [],
      inlinePost: [],
    },
    timeoutMs: 60_000,
    retries: 1,
    retryDelayMs: 500,
    outputCapBytes: 1024 * 1024,
  },
};

/** A new job with sensible defaults; `hosts` defaults to h1…h3. */
export function newJob(id: string, over: Partial<NewJob> = {}): NewJob {
  return {
    id,
    namespace: 'web',
    user: 'alice',
    command: 'uptime',
    targets: 'h[1-3]',
    createdAt: 1_700_000_000_000,
    configVersion: 1,
    options: OPTIONS,
    rollbackOf: null,
    hosts: ['h1', 'h2', 'h3'],
    ...over,
  };
}

/** `n` host names in plan order. */
export function hostNames(n: number, prefix = 'host'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(5, '0')}.example.com`);
}

/** A progress batch: nothing but what `over` gives (epoch 0 for `epochJobs`, a new job's epoch). */
export function batch(over: Partial<ProgressBatch> = {}, epochJobs: readonly string[] = []): ProgressBatch {
  return {
    epochs: new Map(epochJobs.map((j) => [j, 0])),
    jobs: [],
    hosts: [],
    events: [],
    output: [],
    ...over,
  };
}

/** An output chunk of `text` (stdout of the command unless `over` says otherwise). */
export function chunk(
  jobId: string,
  host: string,
  attempt: number,
  seq: number,
  text: string,
  over: Partial<OutputAppend> = {},
): OutputAppend {
  return {
    jobId,
    host,
    attempt,
    seq,
    t: 1000 + seq,
    stream: 'stdout',
    source: 'command',
    data: Buffer.from(text),
    ...over,
  };
}

/** A `host:started` event. */
export function started(jobId: string, seq: number, host: string): EventRecord {
  return { jobId, seq, type: 'host:started', t: 2000 + seq, host };
}

/** Await `p` and check it rejects with a PogoError of `code`; returns the error. */
export async function expectPogoError(p: Promise<unknown>, code: ErrorCode): Promise<PogoError> {
  let outcome: unknown;
  try {
    outcome = await p;
  } catch (e: unknown) {
    expect(isPogoError(e, code), `expected ${code}, got ${String(e)}`).toBe(true);
    return e as PogoError;
  }
  return expect.fail(`expected ${code}, but it resolved to ${JSON.stringify(outcome)}`);
}

/** Every page of a paged listing, following `next` until it is absent. */
export async function walkPages<T>(
  fetch: (cursor: string | undefined) => Promise<{ readonly items: readonly T[]; readonly next?: string }>,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await fetch(cursor);
    pages++;
    items.push(...page.items);
    if (page.next === undefined) return { items, pages };
    expect(page.items.length).toBeGreaterThan(0);
    cursor = page.next;
    if (pages > 10_000) return expect.fail('pagination does not end');
  }
}
