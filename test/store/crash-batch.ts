// The shape of the crash test's batches, shared by the writer (child process) and the checker (test).
import type { JobRecord } from '../../src/model/index.ts';
import type { NewJob, OutputAppend } from '../../src/store/index.ts';

/** The job the crash writer writes about. */
export const CRASH_JOB = 'crash-job';
/** Its hosts; batch k sets each one's attempt to k. */
export const CRASH_HOSTS: readonly string[] = Array.from({ length: 300 }, (_, i) => `h${i}`);

/** The job as the writer creates it. */
export function crashJob(): NewJob {
  return {
    id: CRASH_JOB,
    namespace: 'crash',
    user: 'test',
    command: 'true',
    targets: 'h[0-299]',
    createdAt: 0,
    configVersion: null,
    options: {
      task: {
        command: 'true',
        hooks: { pre: false, post: false, preDir: '', postDir: '', inlinePre: [], inlinePost: [] },
        timeoutMs: 1_000,
        retries: 0,
        retryDelayMs: 0,
        outputCapBytes: 1 << 20,
      },
    },
    rollbackOf: null,
    hosts: CRASH_HOSTS,
  };
}

/** The last batch the job row records (0 before the first). */
export function crashBatchNumber(job: JobRecord): number {
  return job.reason === '' ? 0 : Number(job.reason.replace('batch ', ''));
}

/** Batch k's output: 4 KiB on h0, attempt 1, seq k. */
export function crashChunk(k: number): OutputAppend {
  return {
    jobId: CRASH_JOB,
    host: 'h0',
    attempt: 1,
    seq: k,
    t: k,
    stream: 'stdout',
    source: 'command',
    data: Buffer.alloc(4096, k % 256),
  };
}
