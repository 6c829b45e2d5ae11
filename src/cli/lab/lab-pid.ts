// DIR/pid: which sshd serves a lab, and whether that process is still the lab's sshd.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { LabPaths } from './lab.ts';
import { processAlive } from './process-alive.ts';

/** The pid recorded in DIR/pid; undefined when there is none or it is not a number. */
export async function readLabPid(paths: LabPaths): Promise<number | undefined> {
  const text = await readFile(paths.pidFile, 'utf8').catch(() => undefined);
  const pid = text === undefined ? NaN : Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * True when `pid` is alive and is this lab's sshd: its command line names DIR/sshd_config. A pid left
 * behind by a lab that died may since belong to another program, which must not be signalled.
 */
export function isLabSshd(pid: number, paths: LabPaths): boolean {
  if (!processAlive(pid)) return false;
  try {
    // sshd retitles itself (`sshd: /usr/sbin/sshd -D -e -f DIR/sshd_config [listener] …`): compare words.
    const words = ` ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')} `;
    return words.includes(` -f ${paths.sshdConfig} `);
  } catch {
    // No /proc (not Linux): trust the pid file.
    return true;
  }
}
