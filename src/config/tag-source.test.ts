import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from './parse-config.ts';
import { commandWords } from './command-words.ts';
import { configRunsCommands } from './command-scan.ts';
import { parseInventoryJson } from './inventory-json.ts';

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-tag-source-'));
  const script = async (name: string, body: string): Promise<void> => {
    await writeFile(join(dir, name), `#!/bin/sh\n${body}\n`);
    await chmod(join(dir, name), 0o755);
  };
  await script('plain.sh', `echo '{"app": ["app[1-3]"], "db": ["db1", "db2"]}'`);
  await script(
    'ansible.sh',
    `cat <<'EOF'
{
  "_meta": {"hostvars": {"w1": {"ansible_host": "10.0.0.1"}}},
  "all": {"children": ["ungrouped", "web", "db"]},
  "web": {"hosts": ["w0"], "children": ["web_east", "web_west"], "vars": {"http_port": 80}},
  "web_east": {"hosts": ["w1", "w2"]},
  "web_west": {"hosts": ["w3"]},
  "db": ["d1"]
}
EOF`,
  );
  await script('fail.sh', 'echo "inventory server unreachable" >&2; exit 3');
  await script('slow.sh', 'sleep 5; echo "{}"');
  await script('garbage.sh', 'echo "not json"');
  await script('shape.sh', `echo '{"web": "w1"}'`);
  await script('args.sh', `printf '{"args": ["n%s-%s"]}' "$#" "\${#1}"`);
  await script(
    'big.sh',
    'yes aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | head -c 70000000',
  );
  await script('pwd.sh', `printf '{"here": ["%s"]}' "$(basename "$PWD")"`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const parse = (text: string, timeoutMs = 10_000) =>
  parseConfig(text, { source: 'src.yaml', baseDir: dir, tagSourceTimeoutMs: timeoutMs });

describe('external tag sources', () => {
  it('turns plain {tag: [hosts]} JSON into child tags of the node, running in baseDir', async () => {
    const config = await parse('tag:\n  inventory: "command ./plain.sh"\n  other: [x1]\n');
    expect(config.tagChildren.get('inventory')).toEqual(['inventory.app', 'inventory.db']);
    expect(config.tags.get('inventory.app')).toEqual(['app1', 'app2', 'app3']);
    expect(config.tags.get('inventory')).toEqual(['app1', 'app2', 'app3', 'db1', 'db2']);
    expect(config.hosts).toEqual(['app1', 'app2', 'app3', 'db1', 'db2', 'x1']);
    const here = await parse('tag:\n  inv: command ./pwd.sh\n');
    expect(here.tags.get('inv.here')).toEqual([dir.split('/').at(-1)]);
  });

  it('reads Ansible --list JSON: each group a child tag with its hosts and its child groups’ hosts', async () => {
    const config = await parse('tag:\n  ans: "command ./ansible.sh"\n');
    expect(config.tags.get('ans.web')).toEqual(['w0', 'w1', 'w2', 'w3']);
    expect(config.tags.get('ans.all')).toEqual(['w0', 'w1', 'w2', 'w3', 'd1']);
    expect(config.tags.get('ans.ungrouped')).toEqual([]);
    expect(config.tags.get('ans.db')).toEqual(['d1']);
    expect(config.tagChildren.get('ans.web')).toEqual(['ans.web_east', 'ans.web_west']);
    expect(config.tags.has('ans._meta')).toBe(false);
  });

  it('constrains the child groups of an Ansible group per value, and its own hosts as one more group', async () => {
    const config = await parse('tag:\n  ans: "command ./ansible.sh"\nconstraint:\n  $ans.web: 1\n');
    expect(config.groups.map((g) => [g.id, g.hosts])).toEqual([
      ['ans.web_east', ['w1', 'w2']],
      ['ans.web_west', ['w3']],
      ['ans.web', ['w0']],
    ]);
  });

  it('lets sequences and constraints refer to source tags', async () => {
    const config = await parse('tag:\n  inv: command ./plain.sh\nsequence:\n  - [$inv.db, $inv.app]\n');
    expect(config.chains[0]?.stages.map((s) => s.hosts)).toEqual([
      ['db1', 'db2'],
      ['app1', 'app2', 'app3'],
    ]);
  });

  it('reports a failing command with its exit status and stderr at the node', async () => {
    await expect(parse('tag:\n  inv: "command ./fail.sh"\n')).rejects.toMatchObject({
      code: 'CONFIG_TAG_SOURCE_FAILED',
      message: expect.stringMatching(
        /command \.\/fail\.sh.*status 3: inventory server unreachable/,
      ) as unknown,
      position: { file: 'src.yaml', line: 2, column: 8 },
    });
  });

  it('kills a command that runs past the timeout', async () => {
    const started = Date.now();
    await expect(parse('tag:\n  inv: "command ./slow.sh"\n', 200)).rejects.toMatchObject({
      code: 'CONFIG_TAG_SOURCE_FAILED',
      message: expect.stringContaining('timed out after 200 ms') as unknown,
    });
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('reports output that is not JSON, or JSON of another shape', async () => {
    await expect(parse('tag:\n  inv: "command ./garbage.sh"\n')).rejects.toMatchObject({
      code: 'CONFIG_TAG_SOURCE_FAILED',
      message: expect.stringContaining('invalid JSON') as unknown,
    });
    await expect(parse('tag:\n  inv: "command ./shape.sh"\n')).rejects.toMatchObject({
      code: 'CONFIG_TAG_SOURCE_FAILED',
      message: expect.stringContaining('neither') as unknown,
    });
    await expect(parse('tag:\n  inv: "command ./missing.sh"\n')).rejects.toMatchObject({
      code: 'CONFIG_TAG_SOURCE_FAILED',
    });
  });

  it('stops a running command when the signal aborts', async () => {
    const controller = new AbortController();
    const run = parseConfig('tag:\n  inv: "command ./slow.sh"\n', {
      source: 's',
      baseDir: dir,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    await expect(run).rejects.toMatchObject({ message: expect.stringContaining('aborted') as unknown });
  });
});

describe('parseInventoryJson', () => {
  it('accepts Ansible host maps and ignores _meta', () => {
    expect(
      parseInventoryJson('{"_meta": {}, "g": {"hosts": {"h1": {}, "h2": {}}, "children": {"c": {}}}}'),
    ).toMatchObject({ groups: [{ name: 'g', hosts: ['h1', 'h2'], children: ['c'] }] });
  });

  it('survives a children cycle', async () => {
    expect(
      parseInventoryJson('{"a": {"children": ["b"], "hosts": ["h1"]}, "b": {"children": ["a"]}}'),
    ).toMatchObject({ groups: [{ name: 'a' }, { name: 'b' }] });
    const dirCycle = await mkdtemp(join(tmpdir(), 'pogo-cycle-'));
    try {
      const json = '{"a": {"children": ["b"], "hosts": ["h1"]}, "b": {"children": ["a"], "hosts": ["h2"]}}';
      await writeFile(join(dirCycle, 'c.sh'), `echo '${json}'\n`);
      const config = await parseConfig('tag:\n  x: command sh ./c.sh\n', { source: 's', baseDir: dirCycle });
      expect(config.tags.get('x.a')).toEqual(['h1', 'h2']);
      expect(config.tags.get('x.b')).toEqual(['h2', 'h1']);
    } finally {
      await rm(dirCycle, { recursive: true, force: true });
    }
  });
});

describe('tag sources run without a shell, with a timeout and an output cap', () => {
  const at = { file: 'f', line: 1, column: 1 };

  it('splits words like a shell quotes them, and refuses shell syntax', () => {
    expect(commandWords(`./inv.sh --list 'a b' "c \\"d\\"" e\\ f`, at)).toEqual([
      './inv.sh',
      '--list',
      'a b',
      'c "d"',
      'e f',
    ]);
    for (const bad of [
      './a.sh | jq .',
      './a.sh > out',
      'echo $HOME',
      'ls *',
      'a; b',
      'a && b',
      '"$(id)"',
      "'open",
    ]) {
      expect(() => commandWords(bad, at), bad).toThrow(/tag source "command .*"/);
    }
  });

  it('passes quoted arguments as they are: nothing is expanded', async () => {
    // A shell would split and expand `a b $HOME`; here it is one argument of 9 characters.
    const config = await parse(`tag:\n  inv: command ./args.sh 'a b $HOME' "c;d"\n`);
    expect(config.tags.get('inv.args')).toEqual(['n2-9']);
  });

  it('refuses a pipeline at the node instead of handing it to /bin/sh', async () => {
    await expect(parse('tag:\n  inv: "command ./plain.sh | cat"\n')).rejects.toMatchObject({
      code: 'CONFIG_TAG_SOURCE_FAILED',
      position: { line: 2 },
      message: expect.stringMatching(/"\|" is shell syntax/) as unknown,
    });
  });

  it('stops a source that prints more than the cap (64 MiB)', async () => {
    await expect(parse('tag:\n  inv: "command ./big.sh"\n')).rejects.toMatchObject({
      code: 'CONFIG_TAG_SOURCE_FAILED',
      message: expect.stringMatching(/more than 67108864 bytes/) as unknown,
    });
  });

  it('tells configs that run commands from those that do not', () => {
    expect(configRunsCommands('tag:\n  inv: command ./inv.sh\n')).toBe(true);
    expect(configRunsCommands('tag:\n  a:\n    b: "command x"\n')).toBe(true);
    expect(configRunsCommands('{"tag": {"inv": "command ./x"}}')).toBe(true);
    expect(configRunsCommands('tag:\n  web: [web1]\n  command: [h1] # command ./x\n')).toBe(false);
    expect(configRunsCommands('tag: [unclosed\n')).toBe(true);
  });
});
