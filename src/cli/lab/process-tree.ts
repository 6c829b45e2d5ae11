// Processes as /proc lists them (pid, parent, session), to find every session a lab's sshd has forked.
import { readFileSync, readdirSync } from 'node:fs';

/** One process: its id, its parent's and its session's. */
export interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly sid: number;
}

/** Every process in /proc (empty where there is no /proc). */
export function listProcesses(): ProcessEntry[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: ProcessEntry[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const entry = readEntry(name);
    if (entry) out.push(entry);
  }
  return out;
}

/** /proc/PID/stat: `pid (comm) state ppid pgrp session …`; comm may hold spaces and parentheses. */
function readEntry(pid: string): ProcessEntry | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [, ppid, , sid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid: Number(pid), ppid: Number(ppid), sid: Number(sid) };
  } catch {
    // It exited while we looked.
    return undefined;
  }
}
