// Process exit codes (ARCHITECTURE.md §8) and how job end states and errors map onto them.
import type { JobState } from '../model/index.ts';
import { isPogoError } from '../model/index.ts';

/** Exit codes of every `pogo` command. 64 and 70 follow BSD sysexits (EX_USAGE, EX_SOFTWARE). */
export const EXIT_CODES = {
  /** The job succeeded on every host (or the command did what it was asked). */
  ok: 0,
  /** The job ended and some host failed. */
  hostsFailed: 1,
  /** The job halted: failure budget, stuck, timeout or an operator. */
  halted: 2,
  /** Bad flags, arguments, config or targets. */
  usage: 64,
  /** A bug in pogo. */
  internal: 70,
} as const satisfies Record<string, number>;

/** 0, 1 or 2 for a job that ended; 70 for a job that did not (the simulator never leaves one running). */
export function exitCodeForJob(state: JobState): number {
  if (state === 'succeeded') return EXIT_CODES.ok;
  if (state === 'failed') return EXIT_CODES.hostsFailed;
  if (state === 'halted') return EXIT_CODES.halted;
  return EXIT_CODES.internal;
}

// LAB_: a lab that cannot start or is not running is the user's to fix (install sshd, stop the old lab).
const USAGE_PREFIXES = ['CONFIG_', 'TARGETS_', 'PLAN_', 'LAB_', 'SSH_CONFIG_'] as const;

/** 64 for errors the user can fix (usage, config, targets, plan, lab), 70 for everything else. */
export function exitCodeForError(e: unknown): number {
  if (!isPogoError(e)) return EXIT_CODES.internal;
  if (e.code === 'USAGE' || USAGE_PREFIXES.some((p) => e.code.startsWith(p))) return EXIT_CODES.usage;
  return EXIT_CODES.internal;
}
