import { describe, expect, it } from 'vitest';
import type { NamespaceConfig } from '../model/config.ts';
import { parseConfig } from './parse-config.ts';

const parse = (text: string) => parseConfig(text, { source: 'c.yaml' });

function groups(config: NamespaceConfig): [string, string, number, number][] {
  return config.groups.map((g) => [g.id, g.label, g.limit, g.hosts.length]);
}

const TAGS = `
tag:
  colo:
    east: ['web[01-04]', cache1]
    west: ['web[05-08]', cache2, 'extra[1-4]']
  frontend: ['web[01-08]']
  cache: ['cache[1-2]']
  single: [lonely]
`;

describe('constraints', () => {
  it('limits a leaf tag as one group, in both the long and the shorthand form', async () => {
    const config = await parse(`${TAGS}constraint:\n  $cache: { max_parallel: 1 }\n  $frontend: 3\n`);
    expect(groups(config)).toEqual([
      ['cache', '$cache', 1, 2],
      ['frontend', '$frontend', 3, 8],
    ]);
    expect(config.groups[0]?.spec).toEqual({ kind: 'count', value: 1 });
    expect(config.groups[0]?.hosts).toEqual(['cache1', 'cache2']);
  });

  it('resolves a percentage against the group’s whole inventory, floored, at least 1', async () => {
    const config = await parse(
      `${TAGS}constraint:\n  $frontend: { max_parallel: 25% }\n  $cache: '10%'\n  $single: { max_parallel: '99%' }\n`,
    );
    expect(groups(config)).toEqual([
      ['frontend', '$frontend', 2, 8],
      ['cache', '$cache', 1, 2],
      ['single', '$single', 1, 1],
    ]);
    expect(config.groups[0]?.spec).toEqual({ kind: 'percent', value: 25 });
  });

  it('floors a percentage: 30% of 8 is 2, 50% of 5 is 2, 100% is everything', async () => {
    const config = await parse(
      `${TAGS}constraint:\n  $frontend: 30%\n  $colo.east: 50%\n  $colo.west: 100%\n`,
    );
    expect(config.groups.map((g) => g.limit)).toEqual([2, 2, 9]);
  });

  it('applies a constraint on a tag with sub-tags to each value separately', async () => {
    const config = await parse(`${TAGS}constraint:\n  $colo: { max_parallel: 2 }\n`);
    expect(groups(config)).toEqual([
      ['colo.east', '$colo.east', 2, 5],
      ['colo.west', '$colo.west', 2, 9],
    ]);
  });

  it('resolves a per-value percentage against each value’s own inventory', async () => {
    const config = await parse(`${TAGS}constraint:\n  $colo: 50%\n`);
    expect(groups(config)).toEqual([
      ['colo.east', '$colo.east', 2, 5],
      ['colo.west', '$colo.west', 4, 9],
    ]);
  });

  it('keeps group ids unique when a value is also constrained directly', async () => {
    const config = await parse(`${TAGS}constraint:\n  $colo: 2\n  $colo.east: 1\n`);
    expect(config.groups.map((g) => [g.id, g.label, g.limit])).toEqual([
      ['colo.east', '$colo.east', 2],
      ['colo.west', '$colo.west', 2],
      ['colo.east#2', '$colo.east', 1],
    ]);
  });

  it('records the position of the constraint key', async () => {
    const config = await parse(`${TAGS}constraint:\n  $cache: 1\n`);
    expect(config.groups[0]?.position).toEqual({ file: 'c.yaml', line: 10, column: 3 });
  });

  it('leaves out groups with no hosts and accepts an empty section', async () => {
    const config = await parse('tag:\n  empty: []\n  full: [h1]\nconstraint:\n  $empty: 1\n  $full: 1\n');
    expect(config.groups.map((g) => g.id)).toEqual(['full']);
    expect((await parse(`${TAGS}constraint:\n`)).groups).toEqual([]);
  });

  it('accepts decimal percentages', async () => {
    const config = await parse(`${TAGS}constraint:\n  $frontend: 12.5%\n`);
    expect(config.groups[0]?.limit).toBe(1);
  });

  it.each([
    ['0', 'CONFIG_INVALID_VALUE'],
    ['-1', 'CONFIG_INVALID_VALUE'],
    ['1.5', 'CONFIG_INVALID_VALUE'],
    ['lots', 'CONFIG_INVALID_VALUE'],
    ['true', 'CONFIG_INVALID_VALUE'],
    ['0%', 'CONFIG_BAD_PERCENT'],
    ['101%', 'CONFIG_BAD_PERCENT'],
    ['abc%', 'CONFIG_BAD_PERCENT'],
    ['-5%', 'CONFIG_BAD_PERCENT'],
  ])('refuses max_parallel %s with %s', async (value, code) => {
    await expect(parse(`${TAGS}constraint:\n  $cache: { max_parallel: ${value} }\n`)).rejects.toMatchObject({
      code,
      position: { line: 10, column: 27 },
    });
  });
});
