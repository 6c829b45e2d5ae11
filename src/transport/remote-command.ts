// Command lines sent to a target's shell: quoting, the env prefix, the process-group marker and the kill script.
import { PogoError } from '../model/errors.ts';
import { PGID_MARKER_PRINTF } from './pgid-marker.ts';

/** `s` as one POSIX shell word (single quotes; `'` written as `'\''`). */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const MARKER_SCRIPT = `${PGID_MARKER_PRINTF}; exec "$@"`;

/**
 * The line that runs `command` on a target: `sh` prints its process id (the session's process group,
 * since sshd starts each command in a new session) so Pogo can kill the whole group later, then
 * execs `env K=V… sh -c COMMAND`. The env prefix works whatever sshd's AcceptEnv allows.
 */
export function wrapCommand(command: string, env: Readonly<Record<string, string>> = {}): string {
  const words = ['sh', '-c', command];
  const assignments = Object.entries(env).map(([name, value]) => {
    if (!ENV_NAME.test(name)) {
      throw new PogoError('INTERNAL', `environment variable name "${name}" is not a shell name`);
    }
    return `${name}=${value}`;
  });
  const inner = assignments.length > 0 ? ['env', ...assignments, ...words] : words;
  return `exec sh -c ${shellQuote(MARKER_SCRIPT)} pogo ${inner.map(shellQuote).join(' ')}`;
}

/**
 * A script that stops process group `pgid`: TERM, then KILL once `graceMs` have passed, and returns
 * when nothing of the group is left (or after ~2 s more). Written for dash and bash alike
 * (`kill -SIG -PGID`, no `--`, which dash's kill refuses). Where /proc exists, zombies do not count as
 * left: containers without a reaping init keep them for a while (or for ever).
 */
export function killGroupScript(pgid: number, graceMs: number): string {
  const steps = Math.max(1, Math.ceil(graceMs / 100));
  const script = [
    `p=${pgid}`,
    'alive() { if [ -r /proc/self/stat ]; then for f in /proc/[0-9]*/stat; do ' +
      'read -r l 2>/dev/null < "$f" || continue; l=${l##*) }; set -- $l; ' +
      'if [ "$1" != Z ] && [ "$3" = "$p" ]; then return 0; fi; done; return 1; fi; kill -0 -$p 2>/dev/null; }',
    'kill -TERM -$p 2>/dev/null || exit 0',
    'i=0',
    `while alive; do i=$((i+1)); if [ $i -eq ${steps} ]; then kill -KILL -$p 2>/dev/null; fi; ` +
      `if [ $i -gt ${steps + 20} ]; then break; fi; sleep 0.1; done`,
  ].join('\n');
  return `sh -c ${shellQuote(script)}`;
}
