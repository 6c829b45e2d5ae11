import { describe, expect, it } from 'vitest';
import { isPogoError } from '../model/errors.ts';
import { countPattern, expandPattern } from './pattern.ts';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (e: unknown) {
    return isPogoError(e) ? e.code : 'not a PogoError';
  }
  return undefined;
}

describe('expandPattern', () => {
  it('keeps zero padding of numeric ranges', () => {
    const hosts = expandPattern('web[01-20].x');
    expect(hosts).toHaveLength(20);
    expect(hosts.slice(0, 2)).toEqual(['web01.x', 'web02.x']);
    expect(hosts.at(-1)).toBe('web20.x');
    expect(expandPattern('h[001-100]').at(0)).toBe('h001');
    expect(expandPattern('h[8-10]')).toEqual(['h8', 'h9', 'h10']);
    expect(expandPattern('h[08-10]')).toEqual(['h08', 'h09', 'h10']);
  });

  it('takes comma lists of values and ranges', () => {
    expect(expandPattern('host[1-3,7]')).toEqual(['host1', 'host2', 'host3', 'host7']);
    expect(expandPattern('host[07]')).toEqual(['host07']);
  });

  it('takes {a,b} alternatives, nested groups included', () => {
    expect(expandPattern('{web,db}.example.com')).toEqual(['web.example.com', 'db.example.com']);
    expect(expandPattern('{web[1-2],db}.x')).toEqual(['web1.x', 'web2.x', 'db.x']);
    expect(expandPattern('app{,-canary}')).toEqual(['app', 'app-canary']);
  });

  it('combines groups as a cartesian product, left to right', () => {
    expect(expandPattern('{a,b}[1-2].{x,y}')).toEqual([
      'a1.x',
      'a1.y',
      'a2.x',
      'a2.y',
      'b1.x',
      'b1.y',
      'b2.x',
      'b2.y',
    ]);
  });

  it('supports single-letter ranges', () => {
    expect(expandPattern('rack[a-c]')).toEqual(['racka', 'rackb', 'rackc']);
    expect(expandPattern('r[A-B,z]')).toEqual(['rA', 'rB', 'rz']);
  });

  it('de-duplicates, keeping the first occurrence', () => {
    expect(expandPattern('h[1-3,2,1]')).toEqual(['h1', 'h2', 'h3']);
    expect(expandPattern('{b,a,b}')).toEqual(['b', 'a']);
  });

  it('returns a plain host name as itself', () => {
    expect(expandPattern('cache1.example.com')).toEqual(['cache1.example.com']);
  });

  it('refuses a pattern past maxHosts without expanding it', () => {
    expect(codeOf(() => expandPattern('h[1-1000000][1-1000000]'))).toBe('CONFIG_PATTERN_TOO_LARGE');
    expect(codeOf(() => expandPattern('h[1-11]', { maxHosts: 10 }))).toBe('CONFIG_PATTERN_TOO_LARGE');
    expect(expandPattern('h[1-10]', { maxHosts: 10 })).toHaveLength(10);
  });

  it.each([
    ['web[1-3', 'unbalanced ['],
    ['web1-3]', 'unbalanced ]'],
    ['{a,b', 'unbalanced {'],
    ['a}', 'unbalanced }'],
    ['web[]', 'empty range'],
    ['web[1-]', 'empty bound'],
    ['web[,1]', 'empty item'],
    ['web[5-1]', 'descending'],
    ['web[c-a]', 'descending letters'],
    ['web[a-10]', 'non-numeric'],
    ['web[x-yz]', 'non-numeric letters'],
    ['web[1-2-3]', 'double dash'],
    ['web[[1-2]]', 'nested brackets'],
    ['{}', 'empty braces'],
    ['', 'empty pattern'],
    ['web 1', 'space'],
    ['a,b', 'top-level comma'],
    ['$tag', 'dollar'],
  ])('rejects %s (%s) with CONFIG_BAD_PATTERN and a hint', (pattern) => {
    let error: unknown;
    try {
      expandPattern(pattern);
    } catch (e: unknown) {
      error = e;
    }
    expect(isPogoError(error, 'CONFIG_BAD_PATTERN')).toBe(true);
    expect(isPogoError(error) && error.hint).toBeTruthy();
  });
});

describe('countPattern', () => {
  it('counts without expanding, repeats included', () => {
    expect(countPattern('web[01-20].x')).toBe(20);
    expect(countPattern('{a,b[1-3]}[1-2]')).toBe(8);
    expect(countPattern('h[1-3,2]')).toBe(4);
    expect(countPattern('h[1-1000000000][1-1000000000]')).toBe(1e18);
  });

  it('rejects malformed patterns', () => {
    expect(codeOf(() => countPattern('h[3-1]'))).toBe('CONFIG_BAD_PATTERN');
  });
});
