// Hooks on the target: the run-parts listing of a hook directory and the inline hooks that follow it.
import { shellQuote } from '../transport/index.ts';

/** Hook file names run-parts would run (no dots, so no backups like `x.dpkg-old` or `x~`). */
export const HOOK_NAME = /^[A-Za-z0-9_-]+$/;

/** A hook to run: its name (for labels and messages) and its command line. */
export interface HookStep {
  readonly name: string;
  readonly command: string;
}

/** A script printing the executable regular files of `dir` one a line; nothing (exit 0) when `dir` is missing. */
export function listHooksScript(dir: string): string {
  return (
    `cd ${shellQuote(dir)} 2>/dev/null || exit 0; for f in *; do ` +
    `case "$f" in *[!A-Za-z0-9_-]*) continue ;; esac; ` +
    `if [ -f "$f" ] && [ -x "$f" ]; then printf '%s\\n' "$f"; fi; done; exit 0`
  );
}

/** The hooks in run-parts order (byte order of the names), then the inline hooks `inline-1`, `inline-2`, … */
export function hookSteps(dir: string, listing: string, inline: readonly string[]): HookStep[] {
  const names = listing
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => HOOK_NAME.test(l))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const base = dir.endsWith('/') ? dir : `${dir}/`;
  return [
    ...names.map((name) => ({ name, command: shellQuote(base + name) })),
    ...inline.map((command, i) => ({ name: `inline-${i + 1}`, command })),
  ];
}
