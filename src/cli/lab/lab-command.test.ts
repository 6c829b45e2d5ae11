// `pogo lab up` / `pogo lab down` end to end through bin/pogo.js: a detached lab that outlives the command.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPogo } from '../../../test/support/run-pogo.ts';
import { runCli } from '../main.ts';
import type { LabJson } from './lab-view.ts';
import { processAlive } from './process-alive.ts';
import { runCommand } from './run-command.ts';
import { stopLab } from './stop-lab.ts';

let base = '';
beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'pogo-lab-cli-'));
  // mkdtemp makes it 0700; the lab user must pass through to read authorized_keys.
  await chmod(base, 0o755);
});
afterAll(async () => {
  // A failed test may leave its lab running: stop whatever is there before removing the directory.
  for (const dir of ['up', 'text']) await stopLab(join(base, dir)).catch(() => undefined);
  await rm(base, { recursive: true, force: true });
});

describe('pogo lab', () => {
  it('up --json starts a lab that outlives the command; down stops it; down again is an error', async () => {
    const dir = join(base, 'up');
    const up = await runPogo(['lab', 'up', '--hosts', '2', '--dir', dir, '--json']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const lab = JSON.parse(up.stdout) as LabJson;
    expect(lab).toMatchObject({
      dir,
      hosts: ['lab-0001', 'lab-0002'],
      sshConfig: join(dir, 'ssh_config'),
      configFile: join(dir, 'pogo.yaml'),
    });
    expect(processAlive(lab.pid)).toBe(true);
    const ssh = await runCommand('ssh', ['-F', lab.sshConfig, '-o', 'BatchMode=yes', 'lab-0002', 'echo up']);
    expect(ssh).toMatchObject({ code: 0, stdout: 'up\n' });

    const down = await runPogo(['lab', 'down', '--dir', dir]);
    expect(down).toMatchObject({ code: 0, stdout: `stopped the lab in ${dir}\n`, stderr: '' });
    expect(processAlive(lab.pid)).toBe(false);
    const again = await runPogo(['lab', 'down', '--dir', dir]);
    expect(again.code).toBe(64);
    expect(again.stderr).toBe(
      `pogo: no lab is running in ${dir} (no ${dir}/pid)\n  hint: start one with: pogo lab up --hosts N --dir ${dir}\n`,
    );
  });

  it('up prints where the files are and commands to try', async () => {
    const dir = join(base, 'text');
    const up = await runPogo(['lab', 'up', '--hosts', '12', '--dir', dir]);
    expect(up.code).toBe(0);
    expect(up.stdout).toContain(`SSH lab running in ${dir}\n`);
    expect(up.stdout).toMatch(/hosts {8}lab-0001 … lab-0012 \(12\), all 127\.0\.0\.1:\d+\n/);
    expect(up.stdout).toContain(`ssh -F ${dir}/ssh_config lab-0001 hostname\n`);
    expect(up.stdout).toContain(`pogo schedule ${dir}/pogo.yaml\n`);
    expect(up.stdout).toContain(`Stop it: pogo lab down --dir ${dir}\n`);
    const schedule = await runPogo(['schedule', join(dir, 'pogo.yaml')]);
    expect(schedule.code).toBe(0);
    expect((await runPogo(['lab', 'down', '--dir', dir])).code).toBe(0);
  });

  it('refuses bad flags with exit 64, naming the flag (in process)', async () => {
    const file = join(base, 'a-file');
    await writeFile(file, '');
    const cases: [string[], string][] = [
      [['--hosts', '0', '--dir', base], '--hosts: must be a whole number from 1 to 100000, got 0'],
      [['--hosts', 'ten', '--dir', base], '--hosts: "ten" is not a whole number'],
      [['--hosts', '100001', '--dir', base], '--hosts: must be a whole number from 1 to 100000, got 100001'],
      [['--hosts', '3'], "required option '--dir <dir>' not specified"],
      [['--hosts', '3', '--dir', join(file, 'lab')], `--dir: ${file} is not a directory`],
      [['--hosts', '3', '--dir', join(base, 'a b')], `--dir: "${base}/a b" holds characters`],
      [['--hosts', '3', '--dir', base, '--port', '22'], '--port: must be a port from 1024 to 65535, got 22'],
    ];
    for (const [args, message] of cases) {
      let stderr = '';
      const code = await runCli(['node', 'pogo', 'lab', 'up', ...args], {
        out: () => undefined,
        err: (text) => void (stderr += text),
      });
      expect({ args, code }).toEqual({ args, code: 64 });
      expect(stderr).toContain(`pogo: ${message}`);
    }
  });
});
