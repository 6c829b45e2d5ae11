// Job and host records as the API returns them, for tests of the CLI client's canned servers and rendering.
import type { HostCounts, HostRecord, JobRecord, JobView } from '../../src/model/index.ts';
import { emptyCounts } from '../../src/model/index.ts';

/** Fixed times (local): created 2024-03-05 14:00:00, started a second later. */
export const CREATED_AT = new Date(2024, 2, 5, 14, 0, 0).getTime();

/** Counts with the given states set, the rest zero. */
export function counts(partial: Partial<HostCounts>): HostCounts {
  return { ...emptyCounts(), ...partial };
}

/** A job record: 3 hosts, running `uptime` on web[1-3] in `default`, by alice. */
export function jobRecord(overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    id: 'a1b2c3d4e5f60718',
    namespace: 'default',
    user: 'alice',
    command: 'uptime',
    targets: 'web[1-3]',
    state: 'running',
    reason: '',
    createdAt: CREATED_AT,
    startedAt: CREATED_AT + 1000,
    endedAt: null,
    configVersion: null,
    options: {
      task: {
        command: 'uptime',
        hooks: { pre: true, post: true, preDir: '/p', postDir: '/q', inlinePre: [], inlinePost: [] },
        timeoutMs: 600_000,
        retries: 0,
        retryDelayMs: 5_000,
        outputCapBytes: 1 << 20,
      },
    },
    hostCount: 3,
    counts: counts({ waiting: 3 }),
    rollbackOf: null,
    ...overrides,
  };
}

/** A job as GET /v1/jobs/:ref shows it. */
export function jobView(overrides: Partial<JobView> = {}): JobView {
  return { ...jobRecord(overrides), live: true, draining: false, blocking: [], lastSeq: 0, ...overrides };
}

/** A host of the job `a1b2c3d4e5f60718`. */
export function hostRecord(overrides: Partial<HostRecord> & { host: string }): HostRecord {
  return {
    jobId: 'a1b2c3d4e5f60718',
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
    ...overrides,
  };
}
