// The job model applies events in batches (one notification per flush) and replays change nothing.
import { describe, expect, it } from 'vitest';
import type { EventRecord, HostRecord, JobSnapshot, JobView } from '../../../src/model/index.ts';
import { emptyCounts, hostColumns } from '../../../src/model/index.ts';
import { hostRecord } from '../../../test/support/job-records.ts';
import { JobModel } from './job-model.ts';

const job = (lastSeq: number): JobView =>
  ({
    id: 'j1',
    state: 'running',
    live: true,
    draining: false,
    blocking: [],
    lastSeq,
    startedAt: 1,
    endedAt: null,
    counts: emptyCounts(),
  }) as unknown as JobView;

const host = (name: string, index: number, patch: Partial<HostRecord> = {}): HostRecord =>
  hostRecord({ jobId: 'j1', host: name, index, ...patch });

const snap = (j: JobView, hosts: HostRecord[]): JobSnapshot => ({ job: j, ...hostColumns(hosts) });

let seq = 0;
const ev = (e: Record<string, unknown>): EventRecord => ({ ...e, seq: ++seq, jobId: 'j1' }) as EventRecord;

describe('JobModel', () => {
  it('queues events and applies them in one flush, telling listeners once', () => {
    const frames: (() => void)[] = [];
    const m = new JobModel((f) => frames.push(f));
    seq = 0;
    m.load(snap(job(0), [host('a', 0), host('b', 1), host('c', 2)]));
    let told = 0;
    m.subscribe(() => told++);
    m.push([ev({ type: 'host:started', t: 10, host: 'a' }), ev({ type: 'host:started', t: 11, host: 'b' })]);
    m.push([ev({ type: 'host:failed', t: 20, host: 'b', exitCode: 3, message: 'exit 3' })]);
    expect(frames).toHaveLength(1);
    expect(m.countOf('running')).toBe(0);
    frames[0]?.();
    expect(told).toBe(1);
    expect(m.hostState(0)).toBe('running');
    expect(m.hostState(1)).toBe('failed');
    expect(m.exit(1)).toBe(3);
    expect([m.countOf('running'), m.countOf('failed'), m.countOf('waiting')]).toEqual([1, 1, 1]);
    expect(m.attempt[0]).toBe(1);
  });

  it('ignores events at or below the snapshot seq; halting halts waiting hosts; resume waits them again', () => {
    const m = new JobModel((f) => f());
    seq = 5;
    m.load(
      snap(job(5), [
        host('a', 0, { state: 'succeeded', attempt: 1, startedAt: 1, endedAt: 2 }),
        host('b', 1),
      ]),
    );
    m.push([{ type: 'host:started', t: 1, host: 'a', seq: 4, jobId: 'j1' }]);
    expect(m.hostState(0)).toBe('succeeded');
    m.push([ev({ type: 'job:halting', t: 3, reason: 'halted by alice' })]);
    expect(m.hostState(1)).toBe('halted');
    expect(m.job?.draining).toBe(true);
    m.push([ev({ type: 'job:halted', t: 4, reason: 'halted by alice' })]);
    expect(m.job?.state).toBe('halted');
    expect(m.ended).toBe(true);
    m.push([ev({ type: 'job:resumed', t: 5, by: 'alice' })]);
    expect(m.hostState(1)).toBe('waiting');
    expect(m.job?.state).toBe('running');
    expect(m.applied).toBe(3);
    // A view read before those events does not undo them; a newer one is taken.
    m.setJob({ ...job(6), state: 'halted', blocking: ['$web (1/1)'] });
    expect(m.job?.state).toBe('running');
    expect(m.job?.blocking).toEqual(['$web (1/1)']);
    m.setJob({ ...job(9), state: 'succeeded' });
    expect(m.job?.state).toBe('succeeded');
  });
});
