// The example configs in examples/ parse to what the documentation says they mean.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { NamespaceConfig } from '../model/config.ts';
import { loadConfigFile } from './parse-config.ts';

const load = (name: string) =>
  loadConfigFile(fileURLToPath(new URL(`../../examples/${name}`, import.meta.url)));

function chains(config: NamespaceConfig): [string, [string, readonly string[]][]][] {
  return config.chains.map((c) => [
    c.id,
    c.stages.map((s): [string, readonly string[]] => [s.label, s.hosts]),
  ]);
}

describe('examples', () => {
  it('triple.yaml: chains foo and bar, as the original pogo-schedule shows them', async () => {
    const config = await load('triple.yaml');
    expect(chains(config)).toEqual([
      [
        'foo',
        [
          ['foo.$colo.one', ['host1', 'host2', 'host3']],
          ['foo.$colo.two', ['host4', 'host5', 'host6']],
        ],
      ],
      ['bar', [['bar.$colo.three', ['host7', 'host8', 'host9']]]],
    ]);
    expect(config.hosts).toEqual([
      'host1',
      'host2',
      'host3',
      'host4',
      'host5',
      'host6',
      'host7',
      'host8',
      'host9',
    ]);
    expect(config.groups).toEqual([]);
    expect(config.namespace).toBe('default');
  });

  it('one.yaml: one anonymous chain of literal hosts, in reverse order', async () => {
    const config = await load('one.yaml');
    expect(chains(config)).toEqual([
      [
        'thread-1',
        [
          ['host3', ['host3']],
          ['host2', ['host2']],
          ['host1', ['host1']],
        ],
      ],
    ]);
    expect(config.tags.size).toBe(0);
    expect(config.hosts).toEqual(['host3', 'host2', 'host1']);
  });

  it('web.yaml: caches before front ends; 25% of 8 front ends, 1 cache, 2 per colo', async () => {
    const config = await load('web.yaml');
    expect(config.hosts).toHaveLength(10);
    expect(
      chains(config).map(([id, stages]) => [id, stages.map(([label, hosts]) => [label, hosts.length])]),
    ).toEqual([
      [
        'thread-1',
        [
          ['$cache', 2],
          ['$frontend', 8],
        ],
      ],
    ]);
    expect(config.groups.map((g) => [g.id, g.limit, g.hosts.length])).toEqual([
      ['frontend', 2, 8],
      ['cache', 1, 2],
      ['colo.east', 2, 5],
      ['colo.west', 2, 5],
    ]);
  });

  it('legacy-4.0.yaml: apps ∩ coast groups and a chain per coast', async () => {
    const config = await load('legacy-4.0.yaml');
    expect(config.namespace).toBe('example');
    expect(config.groups.map((g) => [g.id, g.limit, g.hosts.length])).toEqual([
      ['frontend&coast.east', 2, 10],
      ['backend&coast.east', 1, 4],
      ['frontend&coast.west', 2, 10],
      ['backend&coast.west', 1, 4],
    ]);
    expect(config.chains.map((c) => [c.id, c.stages.map((s) => s.hosts.length)])).toEqual([
      ['coast.east', [4, 10, 0]],
      ['coast.west', [4, 10, 4]],
    ]);
  });

  it('inventory.yaml: runs ./inventory.sh in the examples directory', async () => {
    const config = await load('inventory.yaml');
    expect(config.tagChildren.get('inventory')).toEqual(['inventory.app', 'inventory.db']);
    expect(chains(config).map(([, stages]) => stages.map(([, hosts]) => hosts.length))).toEqual([[1, 2, 3]]);
    expect(config.groups.map((g) => [g.id, g.limit])).toEqual([
      ['inventory.app', 2],
      ['inventory.db', 2],
    ]);
  });
});
