// The lab's pogo.yaml parses for every size, and its tags cover each host once per tree.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/index.ts';
import { labHostNames } from './host-names.ts';
import { labLayout, renderLabPogoConfig } from './pogo-config.ts';

describe('the lab pogo.yaml', () => {
  it.each([1, 2, 3, 10, 25, 1000, 12_345])(
    'parses for %i hosts: racks of ten, the first twentieth as caches',
    async (n) => {
      const text = renderLabPogoConfig(n, '/tmp/lab', 40000);
      const config = await parseConfig(text, { source: 'pogo.yaml' });
      const hosts = labHostNames(n);
      expect(config.namespace).toBe('lab');
      expect(config.tags.get('lab')).toEqual(hosts);
      const racks = config.tagChildren.get('lab.rack') ?? [];
      expect(racks).toHaveLength(Math.ceil(n / 10));
      expect(racks.flatMap((r) => config.tags.get(r) ?? [])).toEqual(hosts);
      const cache = config.tags.get('lab.role.cache') ?? [];
      const web = config.tags.get('lab.role.web') ?? [];
      expect(cache.length).toBe(n === 1 ? 1 : Math.max(1, Math.floor(n / 20)));
      expect([...cache, ...web]).toEqual(hosts);
      expect(config.chains).toHaveLength(1);
      expect(config.groups.find((g) => g.id === 'lab.role.cache')?.limit).toBe(1);
    },
  );

  it('writes ranges as quoted patterns', () => {
    expect(labLayout(25)).toEqual({
      racks: [
        { from: 1, to: 10 },
        { from: 11, to: 20 },
        { from: 21, to: 25 },
      ],
      cache: { from: 1, to: 1 },
      web: { from: 2, to: 25 },
    });
    expect(renderLabPogoConfig(25, '/tmp/lab', 40000)).toContain(
      "    rack:\n      r01: ['lab-[0001-0010]']\n      r02: ['lab-[0011-0020]']\n      r03: ['lab-[0021-0025]']\n",
    );
  });
});
