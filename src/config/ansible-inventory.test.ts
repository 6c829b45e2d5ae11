import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAnsibleIni } from './ansible-ini.ts';
import { expandAnsibleRange, splitHostPort } from './ansible-range.ts';
import { parseAnsibleYaml } from './ansible-yaml.ts';
import { connectSettings, hostConnectOf } from './inventory.ts';
import type { Inventory } from './inventory.ts';

const run = promisify(execFile);
const examples = join(import.meta.dirname, '../../examples/ansible');
let dir = '';

/** An INI file with what Ansible's own tests exercise: nesting, vars at every level, ranges, ports, quotes. */
const TRICKY_INI = `# comment
loner.example.com ansible_port=2200
; another comment
[web:children]
web_east   # inline comment
web_west

[web_east] # header comment
web[01:03].example.com ansible_user=deploy   # trailing comment
alpha-[a:c].x
[web_west]
w[1:6:2].x:2222 ansible_host="10.0.0.9" other='a b'

[web:vars]
ansible_user = ops
ansible_port=22 # ssh

[all:vars]
ansible_user=root

[db]
db1 ansible_host=127.0.0.1
web01.example.com
[deep:children]
web
[deep:vars]
ansible_port=2022
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-ansible-'));
  await writeFile(join(dir, 'tricky.ini'), TRICKY_INI);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function hasAnsible(): Promise<boolean> {
  try {
    await run('ansible-inventory', ['--version']);
    return true;
  } catch {
    return false;
  }
}

interface AnsibleList {
  readonly _meta: { readonly hostvars: Record<string, Record<string, unknown>> };
  readonly [group: string]: unknown;
}

/** Compare Pogo's reading of `file` with `ansible-inventory --list` of the same file. */
async function compareWithAnsible(file: string, inventory: Inventory): Promise<void> {
  const { stdout } = await run('ansible-inventory', ['-i', file, '--list'], {
    env: { ...process.env, ANSIBLE_INVENTORY_UNPARSED_FAILED: 'true', ANSIBLE_LOCALHOST_WARNING: 'false' },
  });
  const list = JSON.parse(stdout) as AnsibleList;
  const mine = new Map(inventory.groups.map((g) => [g.name, g]));
  for (const [name, value] of Object.entries(list)) {
    if (name === '_meta') continue;
    const group = value as { hosts?: string[]; children?: string[] };
    expect(new Set(mine.get(name)?.hosts), `hosts of ${name}`).toEqual(new Set(group.hosts ?? []));
    expect(new Set(mine.get(name)?.children), `children of ${name}`).toEqual(new Set(group.children ?? []));
  }
  const theirs = new Map<string, unknown>();
  for (const [host, vars] of Object.entries(list._meta.hostvars)) {
    const c = hostConnectOf(host, vars);
    if (c !== undefined) theirs.set(host, c);
  }
  expect(connectSettings(inventory)).toEqual(theirs);
}

/** ansible-inventory is the oracle (scripts/setup.sh installs Ansible as root). */
const ansible = await hasAnsible();

describe('Ansible inventories read as Ansible reads them', () => {
  it.skipIf(!ansible)(
    'INI: groups, children and connection vars equal ansible-inventory --list',
    async () => {
      for (const file of [join(examples, 'hosts.ini'), join(dir, 'tricky.ini')]) {
        await compareWithAnsible(file, parseAnsibleIni(readFileSync(file, 'utf8'), file));
      }
    },
  );

  it.skipIf(!ansible)('YAML: the example equals ansible-inventory --list', async () => {
    const file = join(examples, 'inventory.yml');
    await compareWithAnsible(file, parseAnsibleYaml(readFileSync(file, 'utf8'), file));
  });

  it('applies group vars from outer to inner groups, then host vars', () => {
    const inventory = parseAnsibleIni(TRICKY_INI, 'tricky.ini');
    const connect = connectSettings(inventory);
    expect(connect).not.toBeTypeOf('string');
    const c = connect as Map<string, unknown>;
    expect(c.get('web01.example.com')).toEqual({ port: 22, user: 'deploy' }); // host var beats web:vars
    expect(c.get('alpha-b.x')).toEqual({ port: 22, user: 'ops' }); // web (inner) beats deep and all
    expect(c.get('w3.x')).toEqual({ address: '10.0.0.9', port: 2222, user: 'ops' }); // host:port beats group
    expect(c.get('db1')).toEqual({ address: '127.0.0.1', user: 'root' }); // all:vars
    expect(c.get('loner.example.com')).toEqual({ port: 2200, user: 'root' });
  });

  it('keeps ungrouped hosts in ungrouped and top-level groups under all', () => {
    const { groups } = parseAnsibleIni(TRICKY_INI, 'tricky.ini');
    const byName = new Map(groups.map((g) => [g.name, g]));
    expect(byName.get('all')?.children).toEqual(['ungrouped', 'db', 'deep']);
    expect(byName.get('ungrouped')?.hosts).toEqual(['loner.example.com']);
    expect(byName.get('web_west')?.hosts).toEqual(['w1.x', 'w3.x', 'w5.x']);
  });
});

describe('INI errors name the file, the line and the problem', () => {
  const cases: [string, RegExp, number][] = [
    ['[web]\nh1 novalue\n', /x\.ini:2: expected key=value host variable, got "novalue"/, 2],
    [
      '[web:children]\nmissing\n',
      /x\.ini:2: section \[web:children\] names group missing, which is never defined/,
      2,
    ],
    [
      'h0\n[ghost:vars]\na=1\n',
      /x\.ini:2: section \[ghost:vars\] is for group ghost, which is never defined/,
      2,
    ],
    ['[web:sideways]\n', /x\.ini:1: section \[web:sideways\] has unknown type "sideways"/, 1],
    ['[web]\nh[3:1]\n', /x\.ini:2: range \[3:1\] goes backwards/, 2],
    ['[web]\nh[01:100]\n', /x\.ini:2: range \[01:100\]: zero-padded bounds must have the same width/, 2],
    ['[web.east]\n', /x\.ini:1: group name "web\.east" cannot be a tag name/, 1],
    ['[web]\nh1:99999\n', /x\.ini:2: port 99999 of h1 is not from 1 to 65535/, 2],
    ['[web]\nh1 a="open\n', /x\.ini:2: unclosed double quote/, 2],
    ['[web\n', /x\.ini:1: invalid section header/, 1],
  ];
  for (const [text, message, line] of cases) {
    it(`${JSON.stringify(text)} → ${message.source}`, () => {
      expect(() => parseAnsibleIni(text, 'x.ini')).toThrow(message);
      try {
        parseAnsibleIni(text, 'x.ini');
      } catch (e: unknown) {
        expect(e).toMatchObject({ code: 'CONFIG_INVENTORY_INVALID', position: { file: 'x.ini', line } });
      }
    });
  }
});

describe('YAML inventories', () => {
  it('merges a group written twice, reads host maps, ports and ranges, and warns about unknown keys', () => {
    const text = `all:
  children:
    web:
      hosts:
        'w[1:2]:2200':
          ansible_user: ops
      colour: blue
    db:
      hosts:
        d1:
  hosts:
    lone:
web:
  hosts:
    w3:
`;
    const inv = parseAnsibleYaml(text, 'inv.yml');
    const byName = new Map(inv.groups.map((g) => [g.name, g]));
    expect(byName.get('web')?.hosts).toEqual(['w1', 'w2', 'w3']);
    expect(byName.get('ungrouped')?.hosts).toEqual(['lone']);
    expect(inv.warnings).toEqual([
      'inv.yml: group web: unexpected key "colour" skipped (only hosts, vars and children are read)',
    ]);
    expect(connectSettings(inv)).toEqual(
      new Map([
        ['w1', { port: 2200, user: 'ops' }],
        ['w2', { port: 2200, user: 'ops' }],
      ]),
    );
  });

  it('reports malformed files at their line', () => {
    expect(() => parseAnsibleYaml('all:\n  hosts: [a, b]\n', 'i.yml')).toThrow(
      /i\.yml:2: hosts of group all must be a map/,
    );
    expect(() => parseAnsibleYaml('all:\n  children:\n    bad.name:\n', 'i.yml')).toThrow(
      /i\.yml:3: group name "bad\.name"/,
    );
    expect(() => parseAnsibleYaml('all:\n  hosts:\n   x: [\n', 'i.yml')).toThrow(/i\.yml:\d+:/);
    expect(() => parseAnsibleYaml('- a\n', 'i.yml')).toThrow(/is a map of groups/);
  });
});

describe('ranges, ports and connection values', () => {
  it('expands Ansible ranges like Ansible', () => {
    expect(expandAnsibleRange('web[01:03].x')).toEqual(['web01.x', 'web02.x', 'web03.x']);
    expect(expandAnsibleRange('h[0:10:5]-[a:b]')).toEqual(['h0-a', 'h0-b', 'h5-a', 'h5-b', 'h10-a', 'h10-b']);
    expect(expandAnsibleRange('h[:2]')).toEqual(['h0', 'h1', 'h2']);
    expect(expandAnsibleRange('h[1:3:0]')).toMatch(/bad step/);
    expect(expandAnsibleRange('h[1:9999999]', 1000)).toMatch(/more than 1000 hosts/);
  });

  it('splits host:port, [v6]:port and leaves bare IPv6 alone', () => {
    expect(splitHostPort('web[1:3].x:2222')).toEqual({ host: 'web[1:3].x', port: 2222 });
    expect(splitHostPort('[2001:db8::1]:22')).toEqual({ host: '2001:db8::1', port: 22 });
    expect(splitHostPort('2001:db8::1')).toEqual({ host: '2001:db8::1' });
    expect(splitHostPort('h:x')).toMatch(/must be a port number/);
  });

  it('refuses connection values Pogo cannot use, naming the host and variable', () => {
    expect(hostConnectOf('h', { ansible_port: 'ssh' })).toMatch(/host h: ansible_port must be a port number/);
    expect(hostConnectOf('h', { ansible_host: '{{ lookup("x") }}' })).toMatch(
      /host h: ansible_host must be a name/,
    );
    expect(hostConnectOf('h', { ansible_user: '-oProxyCommand=x' })).toMatch(/ansible_user must be a name/);
    expect(
      hostConnectOf('h', { ansible_ssh_host: 'a', ansible_ssh_port: '22', ansible_ssh_user: 'u' }),
    ).toEqual({
      address: 'a',
      port: 22,
      user: 'u',
    });
    expect(hostConnectOf('h', { http_port: 80 })).toBeUndefined();
  });
});
