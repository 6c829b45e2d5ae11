// Timeline rows by plan slot or group, every host once; the out-at-once curve counts failed hosts as holding.
import { describe, expect, it } from 'vitest';
import type { JobPlanView } from '../../../src/model/index.ts';
import { concurrency, layoutTimeline } from './timeline-layout.ts';

const plan: JobPlanView = {
  jobId: 'j',
  namespace: 'n',
  configVersion: 1,
  hosts: ['c1', 'w1', 'w2', 'x'],
  threads: [
    {
      id: 't',
      slots: [
        { label: '$cache', hosts: [0] },
        { label: '$web', hosts: [1, 2] },
      ],
    },
  ],
  unordered: [3],
  groups: [
    { id: 'web', label: '$web', limit: 1, spec: '1', hosts: [1, 2] },
    { id: '@job', label: 'job', limit: 2, spec: '2', hosts: [0, 1, 2, 3] },
  ],
};

describe('layoutTimeline', () => {
  it('bands rows by slot, then unordered; by group (smallest first), then the rest', () => {
    const bySlot = layoutTimeline(plan, 4, 'slot');
    expect([...bySlot.rows]).toEqual([0, 1, 2, 3]);
    expect(bySlot.bands.map((b) => [b.label, b.count])).toEqual([
      ['$cache', 1],
      ['$web', 2],
      ['unordered', 1],
    ]);
    const byGroup = layoutTimeline(plan, 4, 'group');
    expect([...byGroup.rows]).toEqual([1, 2, 0, 3]);
    expect(byGroup.bands.map((b) => b.label)).toEqual(['$web', 'in no group']);
    expect(layoutTimeline(undefined, 2, 'slot').bands).toEqual([{ label: 'all hosts', start: 0, count: 2 }]);
  });
});

describe('concurrency', () => {
  it('steps up and down; a handover at the same instant is not two out; failed hosts hold until the end', () => {
    const start = Float64Array.from([0, 10, 10, NaN]);
    const end = Float64Array.from([10, 20, 15, NaN]);
    const failed = (h: number): boolean => h === 2;
    const { steps, peak } = concurrency([0, 1, 2, 3], start, end, failed, 30);
    expect(peak).toBe(2);
    expect(steps).toEqual([
      { t: 0, value: 1 },
      { t: 10, value: 2 },
      { t: 20, value: 1 },
      { t: 30, value: 0 },
    ]);
  });
});
