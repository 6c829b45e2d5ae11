// External tag sources (`command ./inventory.sh`): run without a shell, read `{tag: [hosts]}` or Ansible `--list` JSON.
import { spawn } from 'node:child_process';
import { z } from 'zod';
import { PogoError } from '../model/errors.ts';
import { commandWords } from './command-words.ts';
import type { SourcePosition } from '../model/errors.ts';

/** Default time an external tag source may run. */
export const DEFAULT_TAG_SOURCE_TIMEOUT_MS = 30_000;

/** Largest output a tag source may print (a 10,000-host Ansible inventory is a few MiB). */
export const MAX_TAG_SOURCE_OUTPUT_BYTES = 64 * 1024 * 1024;
const MAX_STDOUT_BYTES = MAX_TAG_SOURCE_OUTPUT_BYTES;
const STDERR_TAIL_CHARS = 500;

/** One group an external source reported: its own hosts (patterns) and the names of its child groups. */
export interface InventoryGroup {
  readonly name: string;
  readonly hosts: readonly string[];
  readonly children: readonly string[];
}

/** Where and how long to run a tag source command. */
export interface TagSourceOptions {
  readonly cwd: string;
  readonly timeoutMs: number;
  readonly position: SourcePosition;
  readonly signal?: AbortSignal | undefined;
}

/** The prefix that turns a tag's string value into an external source. */
const COMMAND_PREFIX = /^command\s+(\S.*)$/s;

/** The command line of a `command <program> [args…]` tag value, else undefined. */
export function tagSourceCommand(value: string): string | undefined {
  return COMMAND_PREFIX.exec(value)?.[1]?.trim();
}

const names = z.union([z.array(z.string().min(1)), z.record(z.string(), z.unknown())]);
const groupSchema = z.union([
  z.array(z.string().min(1)),
  z.looseObject({ hosts: names.optional(), children: names.optional(), vars: z.unknown().optional() }),
]);
const inventorySchema = z.record(z.string(), groupSchema);

/** Groups of a plain `{tag: [hosts]}` or Ansible `--list` document (`_meta`/hostvars ignored). */
export function parseInventoryJson(text: string): InventoryGroup[] | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e: unknown) {
    return `it printed invalid JSON (${e instanceof Error ? e.message : String(e)})`;
  }
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    data = Object.fromEntries(Object.entries(data).filter(([key]) => key !== '_meta'));
  }
  const parsed = inventorySchema.safeParse(data);
  if (!parsed.success) {
    return `its JSON is neither {tag: [hosts]} nor Ansible --list output: ${z.prettifyError(parsed.error)}`;
  }
  const listOf = (v: z.infer<typeof names> | undefined): string[] =>
    v === undefined ? [] : Array.isArray(v) ? v : Object.keys(v);
  return Object.entries(parsed.data).map(([name, group]) =>
    Array.isArray(group)
      ? { name, hosts: group, children: [] }
      : { name, hosts: listOf(group.hosts), children: listOf(group.children) },
  );
}

/** Run `command` and read its groups; any failure → CONFIG_TAG_SOURCE_FAILED naming the command and reason. */
export async function loadTagSource(command: string, options: TagSourceOptions): Promise<InventoryGroup[]> {
  const fail = (reason: string): PogoError =>
    new PogoError('CONFIG_TAG_SOURCE_FAILED', `tag source "command ${command}" failed: ${reason}`, {
      position: options.position,
      hint: `run it by hand in ${options.cwd}: it must exit 0 and print JSON {"tag": ["host", …]} or Ansible --list output`,
    });
  const result = await runCommand(commandWords(command, options.position), options);
  if (typeof result === 'string') throw fail(result);
  const groups = parseInventoryJson(result.stdout);
  if (typeof groups === 'string') throw fail(groups);
  return groups;
}

/** stdout of a successful run, or the reason it failed. */
function runCommand(
  [program = '', ...args]: readonly string[],
  options: TagSourceOptions,
): Promise<{ stdout: string } | string> {
  return new Promise((resolve) => {
    // No shell: the words go to execve as they are (a relative program is found from `cwd`).
    const child = spawn(program, args, {
      cwd: options.cwd,
      shell: false,
      detached: true, // own process group, so a timeout also kills what the script started
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let failure: string | undefined;
    const stop = (reason: string): void => {
      failure ??= reason;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => stop(`timed out after ${options.timeoutMs} ms`), options.timeoutMs);
    const onAbort = (): void => stop('aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > MAX_STDOUT_BYTES) stop(`it printed more than ${MAX_STDOUT_BYTES} bytes`);
      else stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    });
    const finish = (outcome: { stdout: string } | string): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(failure ?? outcome);
    };
    child.on('error', (e) => finish(`cannot start ${program} in ${options.cwd} (${e.message})`));
    child.on('close', (code, signal) => {
      const detail = stderr.trim() ? `: ${stderr.trim()}` : '';
      if (code === 0) finish({ stdout: Buffer.concat(stdout).toString('utf8') });
      else if (code !== null) finish(`it exited with status ${code}${detail}`);
      else finish(`it was killed by ${signal ?? 'a signal'}${detail}`);
    });
  });
}
