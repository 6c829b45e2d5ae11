import { chmod, copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configRunsCommands } from './command-scan.ts';
import { loadConfigFile, parseConfig } from './parse-config.ts';

const examples = join(import.meta.dirname, '../../examples/ansible');
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-ansible-source-'));
  const script = async (name: string, body: string): Promise<void> => {
    await writeFile(join(dir, name), body);
    await chmod(join(dir, name), 0o755);
  };
  // An Ansible dynamic inventory script as Ansible calls it: --list, and --host H when there is no _meta.
  await script(
    'with-meta.py',
    `#!/usr/bin/env python3
import json, sys
if sys.argv[1:] == ['--list']:
    print(json.dumps({
        '_meta': {'hostvars': {'app1': {'ansible_host': '10.1.0.1', 'ansible_port': 2201}}},
        'all': {'children': ['app']},
        'app': {'hosts': ['app1', 'app2'], 'vars': {'ansible_user': 'svc'}},
    }))
elif sys.argv[1:2] == ['--host']:
    print('{}')
else:
    sys.exit('usage: --list | --host H')
`,
  );
  await script(
    'no-meta.sh',
    `#!/bin/sh
case "$1" in
  --list) echo '{"db": {"hosts": ["db1", "db2"]}}' ;;
  --host) echo "{\\"ansible_host\\": \\"10.2.0.$(echo "$2" | tr -dc 0-9)\\"}" ;;
  *) echo "usage" >&2; exit 2 ;;
esac
`,
  );
  await script('broken.sh', '#!/bin/sh\necho "cannot reach the CMDB" >&2\nexit 4\n');
  await copyFile(join(examples, 'hosts.ini'), join(dir, 'hosts.ini'));
  await writeFile(join(dir, 'bad.ini'), '[web]\nw1\n[web:children]\nghost\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const parse = (text: string) => parseConfig(text, { source: 'src.yaml', baseDir: dir });

describe('ansible PATH tag sources', () => {
  it('reads the INI example: groups and children become tags, connection vars become connect settings', async () => {
    const config = await loadConfigFile(join(examples, 'pogo.yaml'));
    expect(config.tagChildren.get('inv.web')).toEqual(['inv.web_east', 'inv.web_west']);
    expect(config.tags.get('inv.web')).toHaveLength(8);
    expect(config.tags.get('inv.ungrouped')).toEqual(['bastion.example.com']);
    expect(config.groups.map((g) => [g.id, g.limit, g.hosts.length])).toEqual([
      ['inv.web_east', 2, 4],
      ['inv.web_west', 2, 4],
      ['inv.db', 1, 2],
    ]);
    expect(config.connect?.get('web01.west.example.com')).toEqual({ port: 2222, user: 'deploy' });
    expect(config.connect?.get('db2.example.com')).toEqual({ address: '10.0.0.22', port: 2200 });
    expect(config.connect?.has('nowhere')).toBe(false);
  });

  it('reads the YAML form to the same tags and settings', async () => {
    const fromIni = await loadConfigFile(join(examples, 'pogo.yaml'));
    const fromYaml = await parseConfig('tag:\n  inv: ansible ./inventory.yml\n', {
      source: 'y',
      baseDir: examples,
    });
    expect(new Map([...fromYaml.tags].sort())).toEqual(new Map([...fromIni.tags].sort()));
    expect(fromYaml.connect).toEqual(fromIni.connect);
  });

  it('runs an executable inventory script with --list and reads _meta.hostvars and group vars', async () => {
    const config = await parse('tag:\n  cmdb: ansible ./with-meta.py\n');
    expect(config.tags.get('cmdb.app')).toEqual(['app1', 'app2']);
    expect(config.connect).toEqual(
      new Map([
        ['app1', { address: '10.1.0.1', port: 2201, user: 'svc' }],
        ['app2', { user: 'svc' }],
      ]),
    );
    // The command source takes the same script when it is given --list itself.
    const viaCommand = await parse('tag:\n  cmdb: command ./with-meta.py --list\n');
    expect(viaCommand.connect).toEqual(config.connect);
  });

  it('asks a script without _meta for each host with --host', async () => {
    const config = await parse('tag:\n  d: ansible ./no-meta.sh\n');
    expect(config.connect).toEqual(
      new Map([
        ['db1', { address: '10.2.0.1' }],
        ['db2', { address: '10.2.0.2' }],
      ]),
    );
  });

  it('names the source, the file and the line when something is wrong', async () => {
    await expect(parse('tag:\n  x: ansible ./missing.ini\n')).rejects.toMatchObject({
      code: 'CONFIG_TAG_SOURCE_FAILED',
      message: expect.stringMatching(
        /ansible \.\/missing\.ini.*cannot read .*missing\.ini \(ENOENT\)/,
      ) as unknown,
      position: { file: 'src.yaml', line: 2 },
    });
    await expect(parse('tag:\n  x: ansible ./bad.ini\n')).rejects.toMatchObject({
      code: 'CONFIG_INVENTORY_INVALID',
      message: expect.stringMatching(
        /^tag source "ansible \.\/bad\.ini": \/.*\/bad\.ini:4: section \[web:children\] names group ghost/,
      ) as unknown,
      position: { file: 'src.yaml', line: 2 },
    });
    await expect(parse('tag:\n  x: ansible ./broken.sh\n')).rejects.toMatchObject({
      code: 'CONFIG_TAG_SOURCE_FAILED',
      message: expect.stringMatching(/exited with status 4: cannot reach the CMDB/) as unknown,
    });
    await expect(parse('tag:\n  x: ansible a b\n')).rejects.toMatchObject({
      code: 'CONFIG_TAG_SOURCE_FAILED',
      message: expect.stringContaining('expected one path') as unknown,
    });
  });

  it('counts as a source that needs trust on a server, like command and http', () => {
    expect(configRunsCommands('tag:\n  inv: ansible ./hosts.ini\n')).toBe(true);
    expect(configRunsCommands('tag:\n  inv: http https://cmdb/inv.json\n')).toBe(true);
    expect(configRunsCommands('tag:\n  ansible: [h1]\n')).toBe(false);
  });
});
