// `pogo init`: the example config loads as written, its modeline points at the schema, and nothing is overwritten by mistake.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_SCHEMA_ID, configFileSchema, loadConfigFile } from '../config/index.ts';
import { pogoInProcess } from '../../test/support/cli-in-process.ts';

const root = mkdtempSync(join(tmpdir(), 'pogo-init-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('pogo init', () => {
  it('writes a config that loads as written and names the schema of this installation', async () => {
    const file = join(root, 'conf', '..', 'pogo.yaml');
    const run = await pogoInProcess('init', file);
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(run.out).toBe(`wrote ${file}: an example config; see its plan with: pogo schedule ${file}\n`);
    const text = readFileSync(file, 'utf8');
    const modeline = /^# yaml-language-server: \$schema=(\S+)\n/.exec(text);
    expect(modeline).not.toBeNull();
    const schema = JSON.parse(readFileSync(resolve(dirname(file), modeline?.[1] ?? ''), 'utf8')) as {
      $id: string;
    };
    expect(schema.$id).toBe(CONFIG_SCHEMA_ID);
    expect(configFileSchema.safeParse(parse(text)).success).toBe(true);
    const config = await loadConfigFile(file);
    expect(config.groups.map((g) => [g.label, g.limit])).toEqual([
      ['$frontend', 2],
      ['$cache', 1],
      ['$colo.east', 2],
      ['$colo.west', 2],
    ]);
    expect(text.split('\n').filter((l) => l.startsWith('#')).length).toBeGreaterThan(10);
  });

  it('refuses to overwrite a file unless --force, and takes another schema reference', async () => {
    const file = join(root, 'mine.yaml');
    writeFileSync(file, 'tag: {}\n');
    const refused = await pogoInProcess('init', file);
    expect(refused).toEqual({
      code: 64,
      out: '',
      err: `pogo: ${file} exists: not overwritten\n  hint: pass --force to overwrite it\n`,
    });
    expect(readFileSync(file, 'utf8')).toBe('tag: {}\n');
    const forced = await pogoInProcess('init', file, '--force', '--schema', 'https://example.com/pogo.json');
    expect(forced.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(
      /^# yaml-language-server: \$schema=https:\/\/example\.com\/pogo\.json\n/,
    );
  });

  it('names a directory it cannot write to', async () => {
    const run = await pogoInProcess('init', join(root, 'missing', 'dir', 'pogo.yaml'));
    expect(run.code).toBe(64);
    expect(run.err).toMatch(/cannot write .*missing\/dir\/pogo\.yaml \(ENOENT\)/);
  });
});
