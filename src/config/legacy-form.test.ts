import { describe, expect, it } from 'vitest';
import { parseConfig } from './parse-config.ts';

const parse = (text: string) => parseConfig(text, { source: 'ns.yaml' });

const LEGACY = `
globals: { root_type: dummyroot2 }
plugins: { targets: Pogo::Plugin::Inline }
apps:
  frontend: ['fe[1-4].east', 'fe[1-4].west']
  backend: [be1.east, be1.west]
  tail: ['tail[1-2].west']
envs:
  coast:
    east: ['fe[1-4].east', be1.east]
    west: ['fe[1-4].west', be1.west, 'tail[1-2].west']
constraints:
  coast:
    concurrency:
      - frontend: 50%
      - backend: 1
    sequence:
      - [backend, frontend, tail]
`;

describe('the 4.0 namespace form', () => {
  it('maps apps and envs to tags', async () => {
    const config = await parse(LEGACY);
    expect(config.tagChildren.get('apps')).toEqual(['apps.frontend', 'apps.backend', 'apps.tail']);
    expect(config.tagChildren.get('envs.coast')).toEqual(['envs.coast.east', 'envs.coast.west']);
    expect(config.tags.get('apps.frontend')).toHaveLength(8);
    expect(config.tags.get('envs.coast.east')).toEqual([
      'fe1.east',
      'fe2.east',
      'fe3.east',
      'fe4.east',
      'be1.east',
    ]);
    expect(config.hosts).toHaveLength(12);
  });

  it('makes a group per env value and concurrency entry, of app ∩ value, percent of that intersection', async () => {
    const config = await parse(LEGACY);
    expect(config.groups.map((g) => [g.id, g.label, g.limit, g.hosts])).toEqual([
      [
        'frontend&coast.east',
        '$apps.frontend ∩ $envs.coast.east',
        2,
        ['fe1.east', 'fe2.east', 'fe3.east', 'fe4.east'],
      ],
      ['backend&coast.east', '$apps.backend ∩ $envs.coast.east', 1, ['be1.east']],
      [
        'frontend&coast.west',
        '$apps.frontend ∩ $envs.coast.west',
        2,
        ['fe1.west', 'fe2.west', 'fe3.west', 'fe4.west'],
      ],
      ['backend&coast.west', '$apps.backend ∩ $envs.coast.west', 1, ['be1.west']],
    ]);
  });

  it('makes a chain per sequence list and env value, stages app ∩ value', async () => {
    const config = await parse(LEGACY);
    expect(config.chains.map((c) => [c.id, c.stages.map((s) => [s.label, s.hosts.length])])).toEqual([
      [
        'coast.east',
        [
          ['$apps.backend.$envs.coast.east', 1],
          ['$apps.frontend.$envs.coast.east', 4],
          ['$apps.tail.$envs.coast.east', 0],
        ],
      ],
      [
        'coast.west',
        [
          ['$apps.backend.$envs.coast.west', 1],
          ['$apps.frontend.$envs.coast.west', 4],
          ['$apps.tail.$envs.coast.west', 2],
        ],
      ],
    ]);
  });

  it('suffixes the ids of further sequence lists with -2, -3', async () => {
    const config = await parse(
      LEGACY.replace('- [backend, frontend, tail]', '- [backend, frontend]\n      - [tail, backend]'),
    );
    expect(config.chains.map((c) => c.id)).toEqual([
      'coast.east',
      'coast.west',
      'coast.east-2',
      'coast.west-2',
    ]);
  });

  it('takes the namespace from the file', async () => {
    expect((await parse(`namespace: web-prod\n${LEGACY}`)).namespace).toBe('web-prod');
  });

  it('refuses an unknown app with a near-name hint', async () => {
    const error = await parse(LEGACY.replace('- backend: 1', '- backnd: 1')).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'CONFIG_UNKNOWN_TAG',
      hint: 'did you mean backend?',
      position: { line: 16, column: 9 },
    });
  });

  it('refuses a concurrency value that is not N or N%', async () => {
    await expect(parse(LEGACY.replace('backend: 1', 'backend: 1.5'))).rejects.toMatchObject({
      code: 'CONFIG_BAD_PERCENT',
      position: { line: 16, column: 18 },
    });
  });

  it('refuses an unknown key under an env type', async () => {
    await expect(parse(LEGACY.replace('concurrency:', 'concurency:'))).rejects.toMatchObject({
      code: 'CONFIG_UNKNOWN_KEY',
      hint: 'did you mean concurrency?',
    });
  });

  it('refuses a sequence of fewer than two apps', async () => {
    await expect(parse(LEGACY.replace('[backend, frontend, tail]', '[backend]'))).rejects.toMatchObject({
      code: 'CONFIG_INVALID_VALUE',
      position: { line: 18, column: 9 },
    });
  });

  it('refuses a classic key in a 4.0 file, saying why', async () => {
    await expect(parse(`${LEGACY}sequence: [a]\n`)).rejects.toMatchObject({ code: 'CONFIG_UNKNOWN_KEY' });
    const error = await parse(`apps: {a: [h1]}\nconstrant: {}\n`).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFIG_UNKNOWN_KEY', hint: 'did you mean constraints?' });
  });
});
