// Must show (issue 8): an Ansible INI inventory with nested groups drives a constrained rollout end to end,
// through pogo server + pogo run and through pogo one, checked from the targets' side.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostRecord, JobRecord, Page } from '../src/model/index.ts';
import { LAB_START_TIMEOUT_MS, startTestLab } from './support/lab.ts';
import type { TestLab } from './support/lab.ts';
import type { TestServer } from './support/pogo-server.ts';
import { api, startServer } from './support/pogo-server.ts';
import { jsonLines, runPogo } from './support/run-pogo.ts';

const EAST = ['web01.east.example.com', 'web02.east.example.com', 'web03.east.example.com'];
const WEST = ['web01.west.example.com', 'web02.west.example.com', 'web03.west.example.com'];
const CACHE = ['cache01.example.com', 'cache02.example.com'];
const ALL = [...CACHE, ...EAST, ...WEST];

let lab: TestLab;
let dir: string;
let server: TestServer;

/** The inventory: every name is fictitious; only its variables lead to the lab's sshd. */
function inventory(port: number, user: string): string {
  return `# nested groups: frontend > web > web_east, web_west
[all:vars]
ansible_host=127.0.0.1

[cache]
cache01.example.com ansible_port=${port} ansible_user=${user}
cache02.example.com:${port} ansible_user=${user}

[web_east]
web[01:03].east.example.com

[web_west]
web[01:03].west.example.com

[web:children]
web_east
web_west

[web:vars]
ansible_user=${user}

[frontend:children]
web

[frontend:vars]
ansible_port=${port}
`;
}

/** Pogo's config: caches before web servers, 1 cache and 2 per web child group at once. */
function config(inventoryPath: string): string {
  return [
    'tag:',
    `  inv: ansible ${inventoryPath}`,
    'sequence:',
    '  - [$inv.cache, $inv.web]',
    'constraint:',
    '  $inv.web: 2 # per child group: web_east, web_west',
    '  $inv.cache: 1',
    '',
  ].join('\n');
}

/** Logs, on the target, who ran it as whom and when it started and ended. */
function tracedCommand(log: string): string {
  return (
    `echo "start $POGO_HOST $(whoami) $(date +%s%N)" >> ${log}; sleep 0.6; ` +
    `echo "end $POGO_HOST $(whoami) $(date +%s%N)" >> ${log}`
  );
}

interface Mark {
  readonly kind: 'start' | 'end';
  readonly host: string;
  readonly user: string;
  readonly t: bigint;
}

async function marks(log: string): Promise<Mark[]> {
  const lines = (await readFile(log, 'utf8')).trim().split('\n');
  return lines
    .map((l) => l.split(' '))
    .map(([kind, host, user, t]) => ({
      kind: kind as Mark['kind'],
      host: host ?? '',
      user: user ?? '',
      t: BigInt(t ?? '0'),
    }))
    .sort((a, b) => (a.t === b.t ? (a.kind === 'end' ? -1 : 1) : a.t < b.t ? -1 : 1));
}

/** Most hosts of `group` running at once, from the targets' own timestamps. */
function peak(all: readonly Mark[], group: readonly string[]): number {
  let running = 0;
  let most = 0;
  for (const m of all.filter((x) => group.includes(x.host))) {
    running += m.kind === 'start' ? 1 : -1;
    most = Math.max(most, running);
  }
  return most;
}

/** The rollout as the targets saw it: each host once, as the lab user, within the limits, caches first. */
function checkRollout(all: readonly Mark[]): void {
  const starts = all.filter((m) => m.kind === 'start');
  expect(starts.map((m) => m.host).sort()).toEqual([...ALL].sort()); // each inventory name exactly once
  expect(new Set(all.map((m) => m.user))).toEqual(new Set([lab.user])); // ansible_user
  expect(peak(all, EAST)).toBeLessThanOrEqual(2);
  expect(peak(all, WEST)).toBeLessThanOrEqual(2);
  expect(Math.max(peak(all, EAST), peak(all, WEST))).toBe(2); // the limit, not something smaller, held them
  expect(peak(all, CACHE)).toBe(1);
  const lastCacheEnd = all.filter((m) => m.kind === 'end' && CACHE.includes(m.host)).at(-1)?.t ?? 0n;
  const firstWebStart = starts.find((m) => !CACHE.includes(m.host))?.t ?? 0n;
  expect(lastCacheEnd).toBeLessThan(firstWebStart);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-ansible-e2e-'));
  await chmod(dir, 0o755); // the lab user writes the logs
  await mkdir(join(dir, 'logs'));
  await chmod(join(dir, 'logs'), 0o777);
  await mkdir(join(dir, 'home'));
  lab = await startTestLab(1);
  await writeFile(join(dir, 'hosts.ini'), inventory(lab.port, lab.user));
  await writeFile(join(dir, 'pogo.yaml'), config(join(dir, 'hosts.ini')));
  // No HostName, Port or User for these names: only the inventory says where they are. The host key is
  // known under the address and port ssh connects to, as ssh files it.
  const hostKey = (await readFile(lab.knownHosts, 'utf8')).split('\n')[0]?.split(' ').slice(1).join(' ');
  await writeFile(join(dir, 'known_hosts'), `[127.0.0.1]:${lab.port} ${hostKey ?? ''}\n`);
  await writeFile(
    join(dir, 'ssh_config'),
    [
      'Host *',
      `  IdentityFile ${lab.keyFile}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
      '  StrictHostKeyChecking yes',
      '  SendEnv POGO_*',
      '  LogLevel ERROR',
      '',
    ].join('\n'),
  );
  server = await startServer(join(dir, 'data'), join(dir, 'home'), [
    '--listen', '127.0.0.1:0', '--ssh-config', join(dir, 'ssh_config'),
  ]); // prettier-ignore
}, LAB_START_TIMEOUT_MS + 60_000);

afterAll(async () => {
  await server?.process.stop();
  await lab?.dispose();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('an Ansible INI inventory with nested groups drives a constrained rollout', () => {
  const client = () => ({
    env: {
      POGO_SERVER: server.url,
      POGO_TOKEN: server.token,
      HOME: join(dir, 'home'),
      XDG_CONFIG_HOME: join(dir, 'home', '.config'),
    },
  });

  it('through pogo server and pogo run: limits, order, each host once, inventory names in the job', async () => {
    const push = await runPogo(['config', 'push', 'inv', join(dir, 'pogo.yaml')], client());
    expect(push.stderr).toBe('');
    expect(push.code).toBe(0);
    const preview = await runPogo(
      ['targets', '-n', 'inv', '$inv.frontend !web02.east.example.com'],
      client(),
    );
    expect(preview.stdout).toBe(
      '5 hosts: web01.east.example.com, web03.east.example.com, web[01-03].west.example.com\n',
    );
    const log = join(dir, 'logs', 'server.log');
    const run = await runPogo(
      ['run', '-n', 'inv', '-t', '$inv.cache $inv.frontend', '--json', '--', tracedCommand(log)],
      client(),
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    checkRollout(await marks(log));
    const summary = jsonLines(run.stdout).at(-1) as { job: string; state: string };
    expect(summary.state).toBe('succeeded');
    const job = await api<JobRecord>(server, 'GET', `/v1/jobs/${summary.job}`);
    expect(job.options.connect?.['cache02.example.com']).toEqual({
      address: '127.0.0.1',
      port: lab.port,
      user: lab.user,
    });
    const listed = await api<Page<JobRecord>>(server, 'GET', '/v1/jobs?limit=1');
    expect(listed.items[0]?.options.connect).toBeUndefined(); // lists stay small
    const hosts = await api<Page<HostRecord>>(server, 'GET', `/v1/jobs/${summary.job}/hosts?limit=100`);
    expect(hosts.items.map((h) => h.host)).toEqual(ALL); // plan order: caches, then web; inventory names
  });

  it('through pogo one, over the openssh transport too', async () => {
    for (const transport of ['ssh', 'openssh']) {
      const log = join(dir, 'logs', `one-${transport}.log`);
      const run = await runPogo([
        'one', '-c', join(dir, 'pogo.yaml'), '--ssh-config', join(dir, 'ssh_config'), '--transport', transport,
        '--json', '--', tracedCommand(log),
      ]); // prettier-ignore
      expect(run.stderr, transport).toBe('');
      expect(run.code, transport).toBe(0);
      checkRollout(await marks(log));
    }
  });
});
