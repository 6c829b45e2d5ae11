import { describe, expect, it } from 'vitest';
import type { NamespaceConfig } from '../model/config.ts';
import { parseConfig } from './parse-config.ts';

const TAGS = `
tag:
  colo:
    east: [h1, h2, h3]
    west: [h4, h5, h6]
  frontend: [h1, h4, h5]
  cache: [h2, h6]
`;

const parse = (text: string) => parseConfig(text, { source: 'seq.yaml' });

function shape(config: NamespaceConfig): [string, [string, string[]][]][] {
  return config.chains.map((c) => [c.id, c.stages.map((s): [string, string[]] => [s.label, [...s.hosts]])]);
}

describe('sequences', () => {
  it('reads a flat list as one anonymous chain', async () => {
    const config = await parse(`${TAGS}sequence:\n  - $cache\n  - $colo.west\n`);
    expect(shape(config)).toEqual([
      [
        'thread-1',
        [
          ['$cache', ['h2', 'h6']],
          ['$colo.west', ['h4', 'h5']],
        ],
      ],
    ]);
  });

  it('reads a list of lists as several anonymous chains, numbered in document order', async () => {
    const config = await parse(`${TAGS}sequence:\n  - [$colo.east, $colo.west]\n  - [$colo.east, $cache]\n`);
    expect(config.chains.map((c) => c.id)).toEqual(['thread-1', 'thread-2']);
    expect(config.chains[1]?.stages.map((s) => s.hosts)).toEqual([['h1', 'h2', 'h3'], ['h6']]);
  });

  it('names chains after their map keys; nested names accumulate', async () => {
    const config = await parse(
      `${TAGS}sequence:\n  foo: [$colo.east, $colo.west]\n  outer:\n    inner: [$cache]\n`,
    );
    expect(shape(config)).toEqual([
      [
        'foo',
        [
          ['foo.$colo.east', ['h1', 'h2', 'h3']],
          ['foo.$colo.west', ['h4', 'h5', 'h6']],
        ],
      ],
      ['outer.inner', [['outer.inner.$cache', ['h2', 'h6']]]],
    ]);
  });

  it('gives a list of lists under one name ids name, name-2, …', async () => {
    const config = await parse(`${TAGS}sequence:\n  foo:\n    - [$cache]\n    - [$frontend]\n`);
    expect(config.chains.map((c) => c.id)).toEqual(['foo', 'foo-2']);
  });

  it('means hosts of the tag and all its descendants by $tag', async () => {
    const config = await parse(`${TAGS}sequence:\n  - [$colo, $frontend]\n`);
    expect(config.chains[0]?.stages[0]?.hosts).toEqual(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
  });

  it('intersects every stage of a scoped chain with the scope tag, in entry order', async () => {
    const config = await parse(`${TAGS}sequence:\n  $frontend: [$colo.west, $colo.east]\n`);
    expect(shape(config)).toEqual([
      [
        '$frontend',
        [
          ['$frontend.$colo.west', ['h4', 'h5']],
          ['$frontend.$colo.east', ['h1']],
        ],
      ],
    ]);
  });

  it('intersects $a&$b entries and the original $a.$b form', async () => {
    const config = await parse(`${TAGS}sequence:\n  - ['$frontend&$colo.west', $frontend.$colo.east]\n`);
    expect(config.chains[0]?.stages.map((s) => s.hosts)).toEqual([['h4', 'h5'], ['h1']]);
  });

  it('takes literal hosts and patterns; their label is the entry and they join the config hosts', async () => {
    const config = await parse('tag:\n  # no tags\nsequence:\n  - host3\n  - host2\n  - "db[1-2]"\n');
    expect(shape(config)).toEqual([
      [
        'thread-1',
        [
          ['host3', ['host3']],
          ['host2', ['host2']],
          ['db[1-2]', ['db1', 'db2']],
        ],
      ],
    ]);
    expect(config.hosts).toEqual(['host3', 'host2', 'db1', 'db2']);
  });

  it('keeps a literal host label plain inside a named chain (not foo.host3)', async () => {
    const config = await parse('sequence:\n  foo: [host3, host1]\n');
    expect(config.chains[0]?.stages.map((s) => s.label)).toEqual(['host3', 'host1']);
  });

  it('puts a host named by several stages of one chain in the first only', async () => {
    const config = await parse(`${TAGS}sequence:\n  - [$cache, $colo.west, $colo]\n`);
    expect(config.chains[0]?.stages.map((s) => s.hosts)).toEqual([
      ['h2', 'h6'],
      ['h4', 'h5'],
      ['h1', 'h3'],
    ]);
  });

  it('lets a host be in several chains (it waits for all its predecessors)', async () => {
    const config = await parse(`${TAGS}sequence:\n  a: [$colo.east, $frontend]\n  b: [$cache, $colo.west]\n`);
    const where = config.chains.flatMap((c) =>
      c.stages.filter((s) => s.hosts.includes('h4')).map((s) => s.label),
    );
    expect(where).toEqual(['a.$frontend', 'b.$colo.west']);
  });

  it('keeps empty stages (they are skipped when running) and ignores an empty section', async () => {
    const config = await parse(`${TAGS}sequence:\n  - [$cache, '$cache&$frontend', $frontend]\n`);
    expect(config.chains[0]?.stages.map((s) => s.hosts.length)).toEqual([2, 0, 3]);
    expect((await parse(`${TAGS}sequence:\n`)).chains).toEqual([]);
    expect((await parse(`${TAGS}sequence: []\n`)).chains).toEqual([]);
  });

  it('records the position of each chain', async () => {
    const config = await parse(`${TAGS}sequence:\n  foo: [$cache]\n`);
    expect(config.chains[0]?.position).toEqual({ file: 'seq.yaml', line: 9, column: 8 });
  });

  it('refuses a list mixing entries and lists', async () => {
    await expect(parse(`${TAGS}sequence:\n  - $cache\n  - [$frontend]\n`)).rejects.toMatchObject({
      code: 'CONFIG_INVALID_VALUE',
      position: { line: 10, column: 5 },
    });
  });
});
