// The systemd units in deploy/ are valid for systemd and name only flags the CLI has.
import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runPogo } from './support/run-pogo.ts';

const run = promisify(execFile);
const DEPLOY = join(REPO_ROOT, 'deploy');

/** ExecStart's words, continuation lines joined. */
function execStart(unit: string): string[] {
  const joined = unit.replace(/\\\n\s*/g, ' ');
  const line = /^ExecStart=(.*)$/m.exec(joined)?.[1] ?? '';
  return line.trim().split(/\s+/);
}

async function hasSystemdAnalyze(): Promise<boolean> {
  return run('systemd-analyze', ['--version']).then(
    () => true,
    () => false,
  );
}

describe('deploy/ systemd units', () => {
  it('there is a unit for the server and for the worker', async () => {
    expect((await readdir(DEPLOY)).filter((f) => f.endsWith('.service')).sort()).toEqual([
      'pogo-server.service',
      'pogo-worker.service',
    ]);
  });

  for (const name of ['pogo-server.service', 'pogo-worker.service']) {
    it(`${name}: ExecStart runs pogo with flags the command has; systemd-analyze verify accepts it`, async () => {
      const text = await readFile(join(DEPLOY, name), 'utf8');
      const words = execStart(text);
      expect(words.slice(0, 2)).toEqual(['/usr/bin/env', 'pogo']);
      const command = words[2] ?? '';
      expect(['server', 'worker']).toContain(command);
      const help = await runPogo([command, '--help']);
      expect(help.code).toBe(0);
      const flags = words.filter((w) => w.startsWith('--'));
      expect(flags.length).toBeGreaterThan(3);
      for (const flag of flags) expect(help.stdout, `${name}: ${flag}`).toContain(flag);
      expect(text).toMatch(/^KillSignal=SIGTERM$/m); // the graceful stop of both commands
      if (await hasSystemdAnalyze()) {
        const verified = await run('systemd-analyze', ['verify', join(DEPLOY, name)]).then(
          (r) => ({ ok: true, out: r.stderr }),
          (e: { stderr?: string }) => ({ ok: false, out: e.stderr ?? '' }),
        );
        expect(verified.ok, verified.out).toBe(true);
      }
    });
  }
});
