// Tests of host-name folding: round trip through the config's pattern expander.
import { describe, expect, it } from 'vitest';
import { expandPattern } from '../config/index.ts';
import { foldHosts } from './host-ranges.ts';

describe('foldHosts', () => {
  it('folds runs of numbers with their zero padding', () => {
    expect(foldHosts(['lab-0001', 'lab-0002', 'lab-0003', 'lab-0007'])).toEqual(['lab-[0001-0003,0007]']);
    expect(foldHosts(['web1.x', 'web2.x', 'db1.x', 'solo'])).toEqual(['web[1-2].x', 'db1.x', 'solo']);
  });

  it('keeps different widths apart and expands back to the same hosts', () => {
    const hosts = ['h9', 'h10', 'h11', 'h09', 'a.b.c'];
    const folded = foldHosts(hosts);
    expect(folded).toEqual(['h9', 'h[09-11]', 'a.b.c']);
    expect(folded.flatMap((p) => expandPattern(p)).sort()).toEqual([...hosts].sort());
  });
});
