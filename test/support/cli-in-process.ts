// Runs the `pogo` CLI in this process (runCli) with captured output, for tests that need no child process.
import { runCli } from '../../src/cli/main.ts';

/** Exit code and captured output of one in-process run. */
export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** `pogo ...args` through runCli, stdout and stderr captured. */
export async function pogoInProcess(...args: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await runCli(['node', 'pogo', ...args], {
    out: (t: string) => void (out += t),
    err: (t: string) => void (err += t),
  });
  return { code, out, err };
}
