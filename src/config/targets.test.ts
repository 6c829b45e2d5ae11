import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NamespaceConfig } from '../model/config.ts';
import { parseConfig } from './parse-config.ts';
import { resolveTargets } from './targets.ts';

let dir = '';
let config: NamespaceConfig;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-targets-'));
  await writeFile(
    join(dir, 'hosts.txt'),
    '# hosts to patch\nweb01\n\n  web03   # the noisy one\ncache[1-2], db1\n',
  );
  await writeFile(join(dir, 'tagged.txt'), '$colo.east\n!web02\n');
  await writeFile(join(dir, 'nested.txt'), '@hosts.txt\nextra\n');
  await writeFile(join(dir, 'loop.txt'), '@loop.txt\n');
  await writeFile(join(dir, 'bad.txt'), 'web01\n\n   $nope\n');
  config = await parseConfig(
    `
tag:
  colo:
    east: ['web[01-02]', cache1]
    west: ['web[03-04]', cache2]
  frontend: ['web[01-04]']
  cache: ['cache[1-2]']
`,
    { source: 'targets.yaml' },
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const resolve = (expr: string) => resolveTargets(expr, { config, baseDir: dir });

describe('resolveTargets', () => {
  it('expands host patterns and splits only at top-level commas', async () => {
    expect(await resolve('web[01-03,07],{a,b}.x,solo')).toEqual([
      'web01',
      'web02',
      'web03',
      'web07',
      'a.x',
      'b.x',
      'solo',
    ]);
  });

  it('resolves $tag to the hosts of the tag and its descendants', async () => {
    expect(await resolve('$colo')).toEqual(['web01', 'web02', 'cache1', 'web03', 'web04', 'cache2']);
    expect(await resolve('$colo.west')).toEqual(['web03', 'web04', 'cache2']);
  });

  it('intersects with &, in the first term’s order', async () => {
    expect(await resolve('$frontend&$colo.west')).toEqual(['web03', 'web04']);
    expect(await resolve('$colo.east&web[01-09]')).toEqual(['web01', 'web02']);
  });

  it('removes !items from the union of the others, wherever they stand', async () => {
    expect(await resolve('!web02,$frontend,!$colo.west')).toEqual(['web01']);
    expect(await resolve('$colo,!$cache&$colo.east')).toEqual(['web01', 'web02', 'web03', 'web04', 'cache2']);
  });

  it('reads @file: one item per line, comments and blank lines ignored', async () => {
    expect(await resolve('@hosts.txt')).toEqual(['web01', 'web03', 'cache1', 'cache2', 'db1']);
    expect(await resolve('@tagged.txt')).toEqual(['web01', 'cache1']);
    expect(await resolve('@hosts.txt&$cache')).toEqual(['cache1', 'cache2']);
    expect(await resolve('$frontend,!@hosts.txt')).toEqual(['web02', 'web04']);
    expect(await resolveTargets(`@${join(dir, 'nested.txt')}`)).toEqual([
      'web01',
      'web03',
      'cache1',
      'cache2',
      'db1',
      'extra',
    ]);
  });

  it('de-duplicates, first appearance first', async () => {
    expect(await resolve('web02,$frontend,web01')).toEqual(['web02', 'web01', 'web03', 'web04']);
  });

  it('fails with TARGETS_EMPTY when nothing is left', async () => {
    await expect(resolve('$cache,!cache[1-2]')).rejects.toMatchObject({
      code: 'TARGETS_EMPTY',
      position: undefined,
    });
    await expect(resolve(' , ')).rejects.toMatchObject({ code: 'TARGETS_EMPTY' });
  });

  it('fails on an unknown tag with a hint, on $tag without a config, and on empty terms', async () => {
    await expect(resolve('$colo.eats')).rejects.toMatchObject({
      code: 'CONFIG_UNKNOWN_TAG',
      hint: 'did you mean $colo.east?',
    });
    await expect(resolveTargets('$colo')).rejects.toMatchObject({ code: 'TARGETS_BAD_EXPRESSION' });
    await expect(resolve('web01&')).rejects.toMatchObject({ code: 'TARGETS_BAD_EXPRESSION' });
    await expect(resolve('web[3-1]')).rejects.toMatchObject({ code: 'CONFIG_BAD_PATTERN' });
  });

  it('reports errors inside @files at their line and column', async () => {
    await expect(resolve('@bad.txt')).rejects.toMatchObject({
      code: 'CONFIG_UNKNOWN_TAG',
      position: { file: join(dir, 'bad.txt'), line: 3, column: 4 },
    });
  });

  it('fails on a missing or self-including @file', async () => {
    await expect(resolve('@missing.txt')).rejects.toMatchObject({ code: 'TARGETS_BAD_EXPRESSION' });
    await expect(resolve('@loop.txt')).rejects.toMatchObject({ code: 'TARGETS_BAD_EXPRESSION' });
  });

  it('refuses a pattern past maxHosts', async () => {
    await expect(resolveTargets('h[1-100]', { maxHosts: 10 })).rejects.toMatchObject({
      code: 'CONFIG_PATTERN_TOO_LARGE',
    });
  });
});
