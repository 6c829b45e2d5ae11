// The `command` tag source: a program run without a shell, in its own process group, with a time limit and an output cap.
import { spawn } from 'node:child_process';
import { PogoError } from '../model/errors.ts';
import type { SourcePosition } from '../model/errors.ts';
import { commandWords } from './command-words.ts';
import type { Inventory } from './inventory.ts';
import { parseInventoryJson } from './inventory-json.ts';

/** Largest output a tag source may print (a 10,000-host Ansible inventory is a few MiB). */
export const MAX_TAG_SOURCE_OUTPUT_BYTES = 64 * 1024 * 1024;
const MAX_STDOUT_BYTES = MAX_TAG_SOURCE_OUTPUT_BYTES;
const STDERR_TAIL_CHARS = 500;

/** Where and how long to run a source's program. */
export interface CommandRunOptions {
  readonly cwd: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

/** Run `command` (`./inventory.sh --list`) and read its JSON; any failure → CONFIG_TAG_SOURCE_FAILED naming the command and reason. */
export async function loadCommandSource(
  command: string,
  options: CommandRunOptions & { readonly position: SourcePosition },
): Promise<Inventory> {
  const fail = (reason: string): PogoError =>
    new PogoError('CONFIG_TAG_SOURCE_FAILED', `tag source "command ${command}" failed: ${reason}`, {
      position: options.position,
      hint: `run it by hand in ${options.cwd}: it must exit 0 and print JSON {"tag": ["host", …]} or Ansible --list output (an Ansible inventory script wants --list, or write: ansible ./script)`,
    });
  const result = await runSourceCommand(commandWords(command, options.position), options);
  if (typeof result === 'string') throw fail(result);
  const inventory = parseInventoryJson(result.stdout);
  if (typeof inventory === 'string') throw fail(inventory);
  return inventory;
}

/** stdout of a successful run of `program args…` in `options.cwd` (no shell), or the reason it failed. */
export function runSourceCommand(
  [program = '', ...args]: readonly string[],
  options: CommandRunOptions,
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
