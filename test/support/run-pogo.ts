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

/** Options of {@link runPogo}. */
export interface RunPogoOptions {
  /** Working directory (default the repo root). */
  readonly cwd?: string;
  /** Variables added to (or, when undefined, removed from) the test process's environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Written to standard input, which is then closed (default: stdin left open and unused). */
  readonly input?: string;
}

/** Run `node bin/pogo.js ...args` in `cwd` (default the repo root); never rejects on a non-zero exit. */
export function runPogo(args: readonly string[], options: RunPogoOptions = {}): Promise<PogoRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [POGO_BIN, ...args],
      {
        cwd: options.cwd ?? REPO_ROOT,
        maxBuffer: 64 << 20,
        timeout: 60_000,
        env: pogoEnv(options.env),
      },
      (error, stdout, stderr) => {
        if (error === null) resolve({ code: 0, stdout, stderr });
        else if (typeof error.code === 'number') resolve({ code: error.code, stdout, stderr });
        else reject(new Error(`cannot run ${POGO_BIN}: ${error.message}`, { cause: error }));
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Parse JSON-lines output. */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The test process's environment with `extra` applied (undefined removes a variable) and NO_COLOR set. */
export function pogoEnv(extra: Readonly<Record<string, string | undefined>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}
