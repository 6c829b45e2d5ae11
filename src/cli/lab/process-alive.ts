// Whether a process id is in use by a live process, without signalling it.
import { readFileSync } from 'node:fs';

/**
 * True when a process with this id exists and is not a zombie. Signal 0 probes (EPERM: it exists but
 * is not ours). A detached sshd whose parent exited is reaped by pid 1, which in some containers never
 * reaps: its zombie must count as gone.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e: unknown) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  return processState(pid) !== 'Z';
}

/** The state letter of /proc/PID/stat (R, S, Z, …); undefined where /proc is not there. */
function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: the state follows the last `)`.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}
