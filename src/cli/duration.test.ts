// Unit tests of duration parsing and formatting.
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, secondsDecimals } from './duration.ts';

describe('durations', () => {
  it('parses ms, s, m, h and combinations', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1.5s')).toBe(1_500);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration(' 1m30s ')).toBe(90_000);
    expect(parseDuration('0s')).toBe(0);
  });

  it('refuses numbers without a unit, unknown units, signs and blanks', () => {
    for (const bad of ['', '30', '30x', '-1s', '1 s', 's', '1.s', '1h 30m', '1e3ms']) {
      expect(parseDuration(bad), bad).toBeUndefined();
    }
  });

  it('formats the shortest form that parses back', () => {
    for (const [ms, text] of [
      [0, '0ms'],
      [850, '850ms'],
      [12_500, '12.5s'],
      [160_000, '2m40s'],
      [3_900_000, '1h5m'],
      [3_600_001, '1h0.001s'],
    ] as const) {
      expect(formatDuration(ms)).toBe(text);
      expect(parseDuration(text)).toBe(ms);
    }
  });

  it('uses as many decimals as the times need', () => {
    expect(secondsDecimals([0, 1000, 2500])).toBe(1);
    expect(secondsDecimals([0, 250])).toBe(2);
    expect(secondsDecimals([5])).toBe(3);
  });
});
