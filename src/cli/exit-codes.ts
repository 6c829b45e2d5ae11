// Process exit codes (ARCHITECTURE.md §8) and how job end states and errors map onto them.
import type { ErrorCode, JobState } from '../model/index.ts';
import { isPogoError } from '../model/index.ts';

/** Exit codes of every `pogo` command. 64 and up follow BSD sysexits (EX_USAGE, EX_DATAERR, …). */
export const EXIT_CODES = {
  /** The job succeeded on every host (or the command did what it was asked). */
  ok: 0,
  /** The job ended and some host failed. */
  hostsFailed: 1,
  /** The job halted: failure budget, stuck, timeout or an operator. */
  halted: 2,
  /** `pogo status`: the job has not ended (pending or running). */
  running: 3,
  /** Bad flags, arguments, config or targets; a request the server refused as malformed. */
  usage: 64,
  /** `pogo config validate` / `push`: the namespace config is invalid (EX_DATAERR). */
  dataError: 65,
  /** The job, host or namespace named does not exist (EX_NOINPUT). */
  notFound: 66,
  /** The server cannot be reached, or its database is down (EX_UNAVAILABLE). */
  unavailable: 69,
  /** A bug in pogo (EX_SOFTWARE). */
  internal: 70,
  /** The job's state does not allow the operation now: resume a running job, retry a host that succeeded (EX_TEMPFAIL). */
  badState: 75,
  /** No token, an unknown token, or a role that may not do this (EX_NOPERM). */
  noPermission: 77,
  /** Ctrl-C stopped following a job (128 + SIGINT); the job keeps running on the server. */
  interrupted: 130,
} as const satisfies Record<string, number>;

/** 0, 1 or 2 for a job that ended; 70 for a job that did not (the simulator never leaves one running). */
export function exitCodeForJob(state: JobState): number {
  if (state === 'succeeded') return EXIT_CODES.ok;
  if (state === 'failed') return EXIT_CODES.hostsFailed;
  if (state === 'halted') return EXIT_CODES.halted;
  return EXIT_CODES.internal;
}

// LAB_: a lab that cannot start or is not running is the user's to fix (install sshd, stop the old lab).
// CERT_: a bad certificate file, or one `pogo certs` would overwrite without --force.
const USAGE_PREFIXES = ['CONFIG_', 'TARGETS_', 'PLAN_', 'LAB_', 'SSH_CONFIG_', 'CERT_'] as const;

/** Codes with an exit code of their own; the rest go by prefix (usage) or are internal. */
const CODE_EXITS: Partial<Record<ErrorCode, number>> = {
  USAGE: EXIT_CODES.usage,
  API_BAD_REQUEST: EXIT_CODES.usage,
  JOB_BAD_REQUEST: EXIT_CODES.usage,
  // From the server, a conflict is almost always a job id prefix that matches several jobs.
  STORE_CONFLICT: EXIT_CODES.usage,
  STORE_NOT_FOUND: EXIT_CODES.notFound,
  API_NOT_FOUND: EXIT_CODES.notFound,
  ENGINE_UNKNOWN_HOST: EXIT_CODES.notFound,
  API_UNREACHABLE: EXIT_CODES.unavailable,
  STORE_UNAVAILABLE: EXIT_CODES.unavailable,
  SERVER_START_FAILED: EXIT_CODES.unavailable,
  STORE_MIGRATION_FAILED: EXIT_CODES.unavailable,
  // Several servers: the request belongs to the server that drives the job (named in the message).
  LEASE_LOST: EXIT_CODES.unavailable,
  JOB_OWNER_UNAVAILABLE: EXIT_CODES.unavailable,
  WORKER_TLS: EXIT_CODES.usage,
  JOB_BAD_STATE: EXIT_CODES.badState,
  JOB_NEEDS_PASSWORD: EXIT_CODES.badState,
  ENVELOPE_INVALID: EXIT_CODES.usage,
  CERT_INVALID: EXIT_CODES.usage,
  CERT_FAILED: EXIT_CODES.usage,
  AUTH_TOKEN_EXPIRED: EXIT_CODES.noPermission,
  ENGINE_BAD_TRANSITION: EXIT_CODES.badState,
  API_UNAUTHORIZED: EXIT_CODES.noPermission,
  API_FORBIDDEN: EXIT_CODES.noPermission,
};

/**
 * 64 for errors the user can fix (usage, config, targets, plan, lab, certificates, bad requests), 66 not found,
 * 69 server unreachable, 75 wrong job state, 77 not allowed, 70 for everything else.
 */
export function exitCodeForError(e: unknown): number {
  if (!isPogoError(e)) return EXIT_CODES.internal;
  const own = CODE_EXITS[e.code];
  if (own !== undefined) return own;
  if (USAGE_PREFIXES.some((p) => e.code.startsWith(p))) return EXIT_CODES.usage;
  return EXIT_CODES.internal;
}
