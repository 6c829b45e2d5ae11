import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from './parse-config.ts';
import { CONFIG_SCHEMA_ID, configFileSchema, configJsonSchema, configJsonSchemaText } from './schema.ts';

const root = new URL('../../', import.meta.url);

describe('config JSON Schema', () => {
  it('is what schema/pogo-config.schema.json holds (run `npm run schema` after changing the zod schema)', async () => {
    const onDisk = await readFile(new URL('schema/pogo-config.schema.json', root), 'utf8');
    expect(onDisk).toBe(configJsonSchemaText());
  });

  it('has an $id, a title and the recursive tag and sequence definitions', () => {
    const schema = configJsonSchema();
    expect(schema.$id).toBe(CONFIG_SCHEMA_ID);
    expect(schema.title).toBe('Pogo namespace configuration');
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(schema.$defs as object)).toEqual(expect.arrayContaining(['TagNode', 'SequenceNode']));
  });

  it('accepts every example config', async () => {
    const files = (await readdir(new URL('examples/', root))).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const data: unknown = parse(await readFile(new URL(`examples/${file}`, root), 'utf8'));
      const result = configFileSchema.safeParse(data);
      expect(result.success, `${file}: ${result.error?.message ?? ''}`).toBe(true);
    }
  });

  it.each([
    'tag:\n  a: [h1]\n  b.c: "h[1-2]"\nsequence:\n  foo: [$a, h3]\n  $a:\n    bar: [[$b], [$a]]\nconstraint:\n  $a: 2\n  $b: { max_parallel: 50% }\n',
    'namespace: n1\nsequence: [[h1, h2], [h3]]\n',
    'tag:\nsequence:\nconstraint:\n',
    'apps: {a: [h1], b: [h2]}\nenvs: {dc: {x: [h1, h2]}}\nconstraints: {dc: {concurrency: [{a: 1}], sequence: [[a, b]]}}\n',
  ])('accepts what parseConfig accepts: %#', async (text) => {
    await parseConfig(text, { source: 'ok.yaml' });
    expect(configFileSchema.safeParse(parse(text)).success).toBe(true);
  });

  it.each([
    'tags: {a: [h1]}\n',
    'tag: {a: [h1]}\nconstraint:\n  $a: { max_paralel: 1 }\n',
    'tag: {a: [h1]}\nconstraint:\n  a: 1\n',
    'tag: {a: [h1]}\nconstraint:\n  $a: 0\n',
    'sequence: [$a, [$b]]\n',
    'tag: {a: [h1]}\napps: {a: [h1]}\n',
    'apps: {a: [h1]}\nenvs: {dc: {x: [h1]}}\nconstraints: {dc: {concurrency: [{a: 1.5}]}}\n',
  ])('rejects what parseConfig rejects: %#', async (text) => {
    await expect(parseConfig(text, { source: 'bad.yaml' })).rejects.toBeTruthy();
    expect(configFileSchema.safeParse(parse(text)).success).toBe(false);
  });
});
