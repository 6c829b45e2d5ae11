// Builds the web UI (vite build web → dist/web) once when its sources are newer than the build: tests and scripts.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './run-pogo.ts';

/** Where the built UI goes (what `pogo server` serves by default). */
export const WEB_DIST = join(REPO_ROOT, 'dist', 'web');

/** Newest modification time (ms) of the files under `dir` (0 when it does not exist). */
function newest(dir: string): number {
  let t = 0;
  let entries;
  try {
    entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) if (e.isFile()) t = Math.max(t, statSync(join(e.parentPath, e.name)).mtimeMs);
  return t;
}

function mtime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** Run the Vite build when web/ (or src/model/, which the UI imports) changed since the last one. */
export function ensureWebBuild(): void {
  const built = mtime(join(WEB_DIST, 'index.html'));
  const sources = Math.max(
    newest(join(REPO_ROOT, 'web', 'src')),
    mtime(join(REPO_ROOT, 'web', 'index.html')),
    mtime(join(REPO_ROOT, 'web', 'vite.config.ts')),
    newest(join(REPO_ROOT, 'src', 'model')),
  );
  if (built > sources) return;
  execFileSync(
    process.execPath,
    [join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'web', '--logLevel', 'warn'],
    {
      cwd: REPO_ROOT,
      stdio: 'inherit',
      timeout: 300_000,
    },
  );
}
