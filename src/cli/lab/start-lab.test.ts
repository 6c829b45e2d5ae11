// A real 3-host lab: ssh, known_hosts, pogo.yaml, Ansible, pdsh, the lab user's password and sudo.
import { readFile, stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../config/index.ts';
import { withLab } from '../../../test/support/lab.ts';
import { runPogo } from '../../../test/support/run-pogo.ts';
import { LAB_USER, runningAsRoot } from './lab-user.ts';
import { runCommand } from './run-command.ts';

const root = runningAsRoot();
const { lab } = withLab(3);

/** `ssh -F DIR/ssh_config HOST COMMAND` through the lab's own files. */
function ssh(host: string, command: string, env: NodeJS.ProcessEnv = {}) {
  return runCommand('ssh', ['-F', lab().sshConfig, '-o', 'BatchMode=yes', host, command], {
    env: { ...process.env, ...env },
  });
}

describe('startLab (3 hosts)', () => {
  it('names lab-0001 … lab-0003 and logs in as the lab user on each, passing POGO_* variables', async () => {
    expect(lab().hosts).toEqual(['lab-0001', 'lab-0002', 'lab-0003']);
    expect(lab().user).toBe(root ? LAB_USER : process.env.USER);
    for (const host of lab().hosts) {
      const result = await ssh(host, 'echo "$(id -un) $POGO_X"', { POGO_X: `x-${host}` });
      expect(result).toMatchObject({ code: 0, stdout: `${lab().user} x-${host}\n` });
    }
  });

  it('writes one known_hosts entry per name, and strict checking refuses a name it does not list', async () => {
    const lines = (await readFile(lab().knownHosts, 'utf8')).trimEnd().split('\n');
    expect(lines.map((l) => l.split(' ')[0])).toEqual(lab().hosts);
    expect(new Set(lines.map((l) => l.split(' ').slice(1).join(' '))).size).toBe(1);
    const stranger = await runCommand('ssh', [
      '-F',
      lab().sshConfig,
      '-o',
      'BatchMode=yes',
      '-o',
      'HostKeyAlias=lab-9999',
      'lab-0001',
      'true',
    ]);
    expect(stranger.code).toBe(255);
    expect(stranger.stderr).toContain('Host key verification failed');
  });

  it('writes a pogo.yaml whose tag lab lists every host, with racks, roles, a sequence and constraints', async () => {
    const config = await loadConfigFile(lab().configFile);
    expect(config.hosts).toEqual(lab().hosts);
    expect(config.tags.get('lab')).toEqual(lab().hosts);
    expect(config.tags.get('lab.rack.r01')).toEqual(lab().hosts);
    expect(config.tags.get('lab.role.cache')).toEqual(['lab-0001']);
    expect(config.tags.get('lab.role.web')).toEqual(['lab-0002', 'lab-0003']);
    expect(config.chains.map((c) => c.stages.map((s) => s.label))).toEqual([
      ['$lab.role.cache', '$lab.role.web'],
    ]);
    expect(config.groups.map((g) => [g.id, g.limit])).toEqual([
      ['lab.rack.r01', 1],
      ['lab.role.cache', 1],
    ]);
    const run = await runPogo(['schedule', lab().configFile]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
  });

  it('writes a hosts file and an Ansible inventory that `ansible -m raw` uses', async () => {
    expect(await readFile(lab().hostsFile, 'utf8')).toBe('lab-0001\nlab-0002\nlab-0003\n');
    const result = await runCommand(
      'ansible',
      ['-i', lab().inventory, 'lab', '-m', 'raw', '-a', 'id -un', '-f', '5'],
      {
        env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: `${lab().dir}/ansible-tmp` },
        timeoutMs: 60_000,
      },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const host of lab().hosts)
      expect(result.stdout).toContain(`${host} | CHANGED | rc=0 >>\n${lab().user}`);
  });

  it('works with pdsh through PDSH_SSH_ARGS_APPEND=-F ssh_config', async () => {
    const result = await runCommand('pdsh', ['-R', 'ssh', '-w', 'lab-000[1-3]', 'echo ok'], {
      env: { ...process.env, PDSH_SSH_ARGS_APPEND: `-F ${lab().sshConfig}` },
    });
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split('\n').sort()).toEqual([
      'lab-0001: ok',
      'lab-0002: ok',
      'lab-0003: ok',
    ]);
  });

  it.runIf(root)('gives the lab user a password in a 0600 file, and sudo -S takes it', async () => {
    const file = lab().passwordFile ?? '';
    expect(file).toBe(`${lab().dir}/password`);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat('/var/lib/pogo-lab/password')).mode & 0o777).toBe(0o600);
    const password = await readFile(file, 'utf8');
    expect(password).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const good = await ssh('lab-0001', `echo ${password} | sudo -S -k -p '' id -u`);
    expect(good).toMatchObject({ code: 0, stdout: '0\n' });
    const bad = await ssh('lab-0001', `echo not-${password} | sudo -S -k -p '' true`);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('incorrect password');
  });

  it.skipIf(root)('has no password and no sudo when not started as root', () => {
    expect(lab().passwordFile).toBeUndefined();
  });
});
