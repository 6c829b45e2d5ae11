// Turns an error into the CLI's stderr text: `pogo: <message>` and a hint; a stack only with --debug.
import { inspect } from 'node:util';
import { isPogoError } from '../model/index.ts';
import { EXIT_CODES, exitCodeForError } from './exit-codes.ts';

/** What to print for a failed command and which exit code to use. */
export interface ErrorReport {
  readonly text: string;
  readonly exitCode: number;
}

/** Format `e` for stderr. User errors get their message and hint; anything else is an internal error. */
export function reportError(e: unknown, debug: boolean): ErrorReport {
  const exitCode = exitCodeForError(e);
  const lines: string[] = [];
  if (isPogoError(e) && exitCode !== EXIT_CODES.internal) {
    lines.push(`pogo: ${e.describe()}`);
    if (e.hint) lines.push(`  hint: ${e.hint}`);
  } else {
    const message = e instanceof Error ? e.message : String(e);
    const code = isPogoError(e) ? ` [${e.code}]` : '';
    lines.push(`pogo: internal error${code}: ${message}`);
    if (!debug) lines.push('  hint: run again with --debug for a stack trace, and please report it');
  }
  if (debug && e instanceof Error && e.stack) lines.push(stackOf(e));
  return { text: lines.join('\n') + '\n', exitCode };
}

/** The stack, then each `cause` in turn. */
function stackOf(e: Error): string {
  const parts = [e.stack ?? String(e)];
  let cause: unknown = e.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    parts.push(`caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : inspect(cause)}`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return parts.join('\n');
}
