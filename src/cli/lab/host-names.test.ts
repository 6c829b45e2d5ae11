// Lab host names: four digits, wider past 9999; ranges as Pogo patterns.
import { describe, expect, it } from 'vitest';
import { expandPattern } from '../../config/index.ts';
import { hostNumberWidth, labHostName, labHostNames, labHostRange } from './host-names.ts';

describe('lab host names', () => {
  it('are lab-0001 … with four digits up to 9999 hosts, wider beyond', () => {
    expect(labHostNames(3)).toEqual(['lab-0001', 'lab-0002', 'lab-0003']);
    expect(labHostName(9999, 9999)).toBe('lab-9999');
    expect(hostNumberWidth(10_000)).toBe(5);
    expect(labHostName(1, 10_000)).toBe('lab-00001');
    expect(labHostName(100_000, 100_000)).toBe('lab-100000');
  });

  it('name runs as patterns that expand to the same names', () => {
    expect(labHostRange(1, 10, 25)).toBe('lab-[0001-0010]');
    expect(labHostRange(7, 7, 25)).toBe('lab-0007');
    for (const [from, to, count] of [
      [1, 10, 25],
      [21, 25, 25],
      [9991, 10_000, 10_000],
    ] as const) {
      expect(expandPattern(labHostRange(from, to, count))).toEqual(labHostNames(count).slice(from - 1, to));
    }
  });
});
