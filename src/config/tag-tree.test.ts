import { describe, expect, it } from 'vitest';
import { parseConfig } from './parse-config.ts';

const parse = (text: string) => parseConfig(text, { source: 'tags.yaml' });

describe('tag tree', () => {
  it('maps every tag path to its hosts and its descendants, in document order', async () => {
    const config = await parse(`
tag:
  colo:
    north_america: [host1, host2, host3]
    south_east_asia: [host4, 'host[5-6]']
  frontend: [host1, host4]
`);
    expect([...config.tags.keys()]).toEqual([
      'colo',
      'colo.north_america',
      'colo.south_east_asia',
      'frontend',
    ]);
    expect(config.tags.get('colo')).toEqual(['host1', 'host2', 'host3', 'host4', 'host5', 'host6']);
    expect(config.tags.get('colo.south_east_asia')).toEqual(['host4', 'host5', 'host6']);
    expect(config.tagChildren.get('colo')).toEqual(['colo.north_america', 'colo.south_east_asia']);
    expect(config.tagChildren.get('frontend')).toEqual([]);
    expect(config.hosts).toEqual(['host1', 'host2', 'host3', 'host4', 'host5', 'host6']);
  });

  it('treats a dotted key as nested keys and merges it with an existing map', async () => {
    const config = await parse(`
tag:
  colo:
    north_america: [host1]
  colo.mexico: [host9]
  deep.a.b: [host7]
`);
    expect(config.tagChildren.get('colo')).toEqual(['colo.north_america', 'colo.mexico']);
    expect(config.tags.get('colo')).toEqual(['host1', 'host9']);
    expect(config.tags.get('deep')).toEqual(['host7']);
    expect(config.tagChildren.get('deep.a')).toEqual(['deep.a.b']);
  });

  it('lists a host once per tag even when descendants repeat it', async () => {
    const config = await parse(`
tag:
  all:
    a: [h1, h2]
    b: [h2, h3, h1]
`);
    expect(config.tags.get('all')).toEqual(['h1', 'h2', 'h3']);
    expect(config.tags.get('all.b')).toEqual(['h2', 'h3', 'h1']);
  });

  it('accepts a single pattern string, empty tags, and an empty or missing tag section', async () => {
    const config = await parse(`
tag:
  web: 'web[1-2]'
  spare:
  none: []
`);
    expect(config.tags.get('web')).toEqual(['web1', 'web2']);
    expect(config.tags.get('spare')).toEqual([]);
    expect(config.tags.get('none')).toEqual([]);
    expect((await parse('tag:\n')).tags.size).toBe(0);
    expect((await parse('')).hosts).toEqual([]);
  });

  it('follows YAML anchors and aliases', async () => {
    const config = await parse(`
tag:
  east: &east [h1, h2]
  again: *east
`);
    expect(config.tags.get('again')).toEqual(['h1', 'h2']);
  });

  it('reads JSON too', async () => {
    const config = await parse('{"tag": {"colo": {"one": ["host[1-2]"]}}, "sequence": [["$colo.one"]]}');
    expect(config.tags.get('colo')).toEqual(['host1', 'host2']);
    expect(config.chains[0]?.stages[0]?.hosts).toEqual(['host1', 'host2']);
  });

  it('refuses a tag that has both hosts and sub-tags', async () => {
    await expect(parse('tag:\n  colo: [h1]\n  colo.east: [h2]\n')).rejects.toMatchObject({
      code: 'CONFIG_INVALID_VALUE',
      position: { line: 3, column: 3 },
    });
  });

  it('refuses hosts given twice to one tag path', async () => {
    await expect(parse('tag:\n  colo:\n    east: [h1]\n  colo.east: [h2]\n')).rejects.toMatchObject({
      code: 'CONFIG_DUPLICATE_KEY',
      position: { line: 4, column: 14 },
    });
  });
});
