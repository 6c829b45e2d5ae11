// `pogo one` end to end over the lab's real sshd: order, constraints from recorded timestamps, exit codes,
// the original's flags and output, Ctrl-C drain, the password from stdin answering sudo.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../src/config/index.ts';
import { jsonLines, POGO_BIN, runPogo } from './support/run-pogo.ts';
import { withLab } from './support/lab.ts';

const testLab = withLab(20);
const ssh = (): string[] => ['--ssh-config', testLab.lab().sshConfig];

/** The JSON lines of a `--json` run's stdout (other lines, such as Ctrl-C notes, left out). */
function jsonEvents(out: string): Record<string, unknown>[] {
  return out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Most hosts of `members` running at once, from the JSON event stream in order (ties resolved by order). */
function peakConcurrency(events: Record<string, unknown>[], members: ReadonlySet<string>): number {
  let running = 0;
  let peak = 0;
  for (const e of events) {
    const host = e.host as string | undefined;
    if (!host || !members.has(host)) continue;
    if (e.type === 'host:started') peak = Math.max(peak, ++running);
    else if (/^host:(succeeded|failed|unreachable|timed_out|lost)$/.test(String(e.type))) running--;
  }
  return peak;
}

describe('pogo one over real SSH', () => {
  it('keeps every constraint group within its limit and runs caches before web servers', async () => {
    const lab = testLab.lab();
    const config = await loadConfigFile(lab.configFile);
    const run = await runPogo([
      'one',
      '-c',
      lab.configFile,
      ...ssh(),
      '--json',
      '--',
      'sleep 0.2; echo $POGO_HOST',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const events = jsonLines(run.stdout);
    expect(events.filter((e) => e.type === 'host:succeeded')).toHaveLength(20);
    expect(config.groups.length).toBeGreaterThan(1);
    for (const g of config.groups) {
      const peak = peakConcurrency(events, new Set(g.hosts));
      expect(peak, `${g.label} peak ${peak} > ${g.limit}`).toBeLessThanOrEqual(g.limit);
      expect(peak).toBeGreaterThan(0);
    }
    const caches = new Set(config.tags.get('lab.role.cache'));
    const lastCacheEnd = events.findLastIndex(
      (e) => e.type === 'host:succeeded' && caches.has(e.host as string),
    );
    const firstWebStart = events.findIndex((e) => e.type === 'host:started' && !caches.has(e.host as string));
    expect(lastCacheEnd).toBeLessThan(firstWebStart);
    expect(new Date(String(events[0]?.at)).getTime()).toBeGreaterThan(0);
  });

  it('takes the original flags and prints as the original did (one.cfg: host2 before host1)', async () => {
    const lab = testLab.lab();
    const cfg = join(lab.dir, 'one.yaml');
    await writeFile(cfg, 'tag:\nsequence:\n  - lab-0003\n  - lab-0002\n  - lab-0001\n');
    const run = await runPogo([
      'one',
      '--config',
      cfg,
      '--targets',
      'lab-0001,lab-0002',
      ...ssh(),
      '--run-command',
      'date',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').slice(0, 4)).toEqual([
      'lab-0002: Running target',
      'lab-0002: Success',
      'lab-0001: Running target',
      'lab-0001: Success',
    ]);
    expect(run.stdout).toMatch(/hosts: 2 succeeded/);
  });

  it('exit 1 when a host fails, 2 when the failure budget halts the job; output grouped like dshbak -c', async () => {
    const fail = await runPogo([
      'one',
      ...ssh(),
      '-t',
      'lab-[0001-0004]',
      '--output',
      '--',
      'echo same; [ $POGO_HOST != lab-0002 ]',
    ]);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toMatch(/lab-0002: Failed \(exit 1\)/);
    expect(fail.stdout).toMatch(/^lab-\[0001-0004\] \(4 hosts\)\n-+\nsame$/m);
    const halt = await runPogo([
      'one',
      ...ssh(),
      '-t',
      'lab-[0001-0010]',
      '--max-parallel',
      '1',
      '--max-failures',
      '0',
      '--',
      'false',
    ]);
    expect(halt.code).toBe(2);
    expect(halt.stdout).toMatch(/halted \(failure budget exhausted\)/);
    expect(halt.stdout).toMatch(/hosts: 1 failed, 9 halted/);
  });

  it('reads the password from stdin and answers the sudo prompt (--run-as root)', async () => {
    const lab = testLab.lab();
    expect(lab.passwordFile, 'the lab runs as root in CI and has a password').toBeDefined();
    const password = (await readFile(lab.passwordFile ?? '', 'utf8')).trim();
    const child = spawn(process.execPath, [
      POGO_BIN,
      'one',
      ...ssh(),
      '-t',
      'lab-0001',
      '--password-stdin',
      '--run-as',
      'root',
      '--output',
      '--',
      'id -u',
    ]);
    child.stdin.end(`${password}\n`);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(0);
    expect(out).toMatch(/^0$/m);
    expect(out).not.toContain(password);
  });

  it('Ctrl-C halts (running hosts finish, nothing new starts), exit 2', async () => {
    const child = spawn(process.execPath, [
      POGO_BIN,
      'one',
      ...ssh(),
      '-t',
      'lab-[0001-0006]',
      '--max-parallel',
      '2',
      '--json',
      '--',
      'sleep 1',
    ]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('host:started') && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(2);
    const events = jsonEvents(out);
    expect(events.filter((e) => e.type === 'host:started')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'host:succeeded')).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: 'summary', state: 'halted', reason: 'halted by Ctrl-C' });
  });

  it('a second Ctrl-C kills the running commands: they end failed, nothing else starts', async () => {
    const child = spawn(process.execPath, [
      POGO_BIN,
      'one',
      ...ssh(),
      '-t',
      'lab-[0001-0004]',
      '--max-parallel',
      '2',
      '--json',
      '--',
      'sleep 30',
    ]);
    let out = '';
    let sent = 0;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (sent === 0 && (out.match(/host:started/g) ?? []).length === 2) {
        sent = 1;
        child.kill('SIGINT');
        setTimeout(() => child.kill('SIGINT'), 300);
      }
    });
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(2);
    const events = jsonEvents(out);
    expect(events.filter((e) => e.type === 'host:failed').map((e) => e.message)).toEqual([
      'killed by operator',
      'killed by operator',
    ]);
    expect(events.at(-1)).toMatchObject({
      type: 'summary',
      state: 'halted',
      counts: { failed: 2, halted: 2 },
    });
  });

  it('refuses bad flags with exit 64 and names the flag', async () => {
    const bad = await runPogo(['one', '-t', 'lab-0001', '--transport', 'telnet', '--', 'true']);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/--transport: "telnet" is not one of ssh, openssh, local/);
    const retries = await runPogo(['one', '-t', 'lab-0001', '--retries', 'many', '--', 'true']);
    expect(retries.code).toBe(64);
    expect(retries.stderr).toMatch(/--retries: "many" is not a whole number/);
    const sshConfig = await runPogo([
      'one',
      '-t',
      'lab-0001',
      '--ssh-config',
      '/nonexistent/ssh_config',
      '--',
      'true',
    ]);
    expect(sshConfig.code).toBe(64);
    expect(sshConfig.stderr).toMatch(/cannot read ssh_config \/nonexistent\/ssh_config/);
    const none = await runPogo(['one', '-t', 'lab-0001']);
    expect(none.code).toBe(64);
    expect(none.stderr).toMatch(/no command given/);
  });
});
