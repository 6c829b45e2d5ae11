// Runs the real `pogo` CLI (node bin/pogo.js) as a child process, for the CLI's end-to-end tests.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root (examples/ paths in tests are relative to it). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The launcher under test. */
export const POGO_BIN = fileURLToPath(new URL('../../bin/pogo.js', import.meta.url));

/** Exit code and captured output of one run. */
export interface PogoRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run `node bin/pogo.js ...args` in `cwd` (default the repo root); never rejects on a non-zero exit. */
export function runPogo(args: readonly string[], options: { readonly cwd?: string } = {}): Promise<PogoRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [POGO_BIN, ...args],
      {
        cwd: options.cwd ?? REPO_ROOT,
        maxBuffer: 64 << 20,
        timeout: 60_000,
        env: { ...process.env, NO_COLOR: '1' },
      },
      (error, stdout, stderr) => {
        if (error === null) resolve({ code: 0, stdout, stderr });
        else if (typeof error.code === 'number') resolve({ code: error.code, stdout, stderr });
        else reject(new Error(`cannot run ${POGO_BIN}: ${error.message}`, { cause: error }));
      },
    );
  });
}

/** Parse JSON-lines output. */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
