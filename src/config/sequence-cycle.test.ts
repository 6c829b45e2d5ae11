import { describe, expect, it } from 'vitest';
import type { Chain } from '../model/config.ts';
import { findSequenceCycle } from './sequence-cycle.ts';

function chain(id: string, ...stages: string[][]): Chain {
  return { id, stages: stages.map((hosts, i) => ({ label: `${id}.${i + 1}`, hosts })) };
}

describe('findSequenceCycle', () => {
  it('finds none in independent or consistent chains', () => {
    expect(findSequenceCycle([])).toBeUndefined();
    expect(findSequenceCycle([chain('a', ['h1'], ['h2']), chain('b', ['h1'], ['h3'])])).toBeUndefined();
    expect(findSequenceCycle([chain('a', ['h1'], ['h2']), chain('b', ['h2'], ['h3'])])).toBeUndefined();
  });

  it('finds [[$a,$b],[$b,$a]] and names its hosts and chains', () => {
    const cycle = findSequenceCycle([chain('t1', ['a1', 'a2'], ['b1']), chain('t2', ['b1'], ['a2'])]);
    expect(cycle?.chains.sort()).toEqual(['t1', 't2']);
    expect(cycle?.hosts.sort()).toEqual(['a2', 'b1']);
  });

  it('orders the hosts so each waits for the next', () => {
    const cycle = findSequenceCycle([
      chain('x', ['p'], ['q']),
      chain('y', ['q'], ['r']),
      chain('z', ['r'], ['p']),
    ]);
    const hosts = cycle?.hosts ?? [];
    expect(hosts).toHaveLength(3);
    // q waits for p, r for q, p for r: so after p comes r, after r comes q.
    const next = (h: string): string | undefined => hosts[(hosts.indexOf(h) + 1) % hosts.length];
    expect(next('p')).toBe('r');
    expect(next('r')).toBe('q');
    expect(cycle?.chains.sort()).toEqual(['x', 'y', 'z']);
  });

  it('looks through empty stages to the previous non-empty one', () => {
    expect(
      findSequenceCycle([chain('a', ['h1'], [], ['h2']), chain('b', ['h2'], [], [], ['h1'])]),
    ).toBeDefined();
  });

  it('counts a host only in the first stage that names it in a chain', () => {
    expect(findSequenceCycle([chain('a', ['h1'], ['h2'], ['h1'])])).toBeUndefined();
  });

  it('runs in linear time on big stages', () => {
    const size = 50_000;
    const left = Array.from({ length: size }, (_, i) => `l${i}`);
    const right = Array.from({ length: size }, (_, i) => `r${i}`);
    const started = performance.now();
    expect(findSequenceCycle([chain('a', left, right), chain('b', right, ['x'])])).toBeUndefined();
    expect(
      findSequenceCycle([chain('a', left, right), chain('b', right, [left[size - 1] ?? ''])]),
    ).toBeDefined();
    // Host → host edges would be 10^10 here; stage nodes keep it to a few hundred thousand.
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
