// The flags that shape a host task and a job's limits, shared by `pogo one` (runs it here) and `pogo run` (sends it).
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { parseByteSize, parseCount, parseDurationFlag, usageError } from './flags.ts';

/** Defaults of the task flags, as `pogo one` applies them and the server documents them. */
export const TASK_DEFAULTS = {
  retries: '0',
  retryDelay: '5s',
  timeout: '600s',
  preDir: '/etc/pogo/pre.d',
  postDir: '/etc/pogo/post.d',
  outputCap: '1MiB',
} as const satisfies Record<string, string>;

/** The task and limit flags as commander hands them over (absent when a command gives no default). */
export interface TaskFlags {
  readonly runAs?: string;
  readonly file?: string;
  readonly retries?: string;
  readonly retryDelay?: string;
  readonly timeout?: string;
  readonly jobTimeout?: string;
  readonly maxParallel?: string;
  readonly maxFailures?: string;
  readonly hooks: boolean;
  readonly preDir?: string;
  readonly postDir?: string;
  readonly pre: string[];
  readonly post: string[];
  readonly outputCap?: string;
}

/** The task flags checked and converted; fields whose flag was absent stay undefined. */
export interface ParsedTask {
  /** The command line; empty with `--file` (the script is what runs). */
  readonly command: string;
  readonly file: { readonly name: string; readonly content: Buffer; readonly args: string[] } | undefined;
  readonly runAs: string | undefined;
  readonly hooks: {
    readonly enabled: boolean;
    readonly preDir: string | undefined;
    readonly postDir: string | undefined;
    readonly inlinePre: string[];
    readonly inlinePost: string[];
  };
  readonly timeoutMs: number | undefined;
  readonly retries: number | undefined;
  readonly retryDelayMs: number | undefined;
  readonly outputCapBytes: number | undefined;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

/**
 * Add the task and limit options (`--run-as` … `--output-cap`) to `cmd`. With `withDefaults`, commander fills
 * in {@link TASK_DEFAULTS}; without, absent flags stay absent and the help names the server's defaults.
 */
export function addTaskOptions(cmd: Command, withDefaults: boolean): Command {
  const d = (value: string): string | undefined => (withDefaults ? value : undefined);
  const note = (value: string): string => (withDefaults ? '' : ` (default: ${value})`);
  return cmd
    .option('--run-as <user>', 'run the command as this user through sudo')
    .option(
      '--file <script>',
      'copy this local script to each host, run it with the command words as arguments, remove it',
    )
    .option(
      '--retries <n>',
      `re-run a failing command on the same host up to N times${note(TASK_DEFAULTS.retries)}`,
      d(TASK_DEFAULTS.retries),
    )
    .option(
      '--retry-delay <time>',
      `pause between retries${note(TASK_DEFAULTS.retryDelay)}`,
      d(TASK_DEFAULTS.retryDelay),
    )
    .option(
      '--timeout <time>',
      `per-host timeout (hooks included); the remote command is killed${note(TASK_DEFAULTS.timeout)}`,
      d(TASK_DEFAULTS.timeout),
    )
    .option('--job-timeout <time>', 'halt the job when it has run this long')
    .option('--max-parallel <n>', 'cap on the whole job: N hosts or N% of its hosts')
    .option('--max-failures <n>', 'failure budget: more failed hosts than N (or N%) halts the job')
    .option('--no-hooks', 'run neither pre- nor post-hooks')
    .option(
      '--pre-dir <dir>',
      `directory of pre-hooks on the targets${note(TASK_DEFAULTS.preDir)}`,
      d(TASK_DEFAULTS.preDir),
    )
    .option(
      '--post-dir <dir>',
      `directory of post-hooks on the targets${note(TASK_DEFAULTS.postDir)}`,
      d(TASK_DEFAULTS.postDir),
    )
    .option('--pre <cmd>', 'an inline pre-hook (repeatable)', collect, [])
    .option('--post <cmd>', 'an inline post-hook (repeatable)', collect, [])
    .option(
      '--output-cap <size>',
      `output kept per host, e.g. 1MiB, 64KiB${note(TASK_DEFAULTS.outputCap)}`,
      d(TASK_DEFAULTS.outputCap),
    );
}

/**
 * Check the command and the task flags: the command comes from `--run-command` (only `pogo one` has it) or
 * the words after `--`, not both; `--file` is read here. `program` names the command in the hint.
 */
export async function parseTaskFlags(
  words: readonly string[],
  flags: TaskFlags & { readonly runCommand?: string },
  program: string,
): Promise<ParsedTask> {
  const command = flags.runCommand ?? words.join(' ');
  if (flags.runCommand !== undefined && words.length > 0) {
    throw usageError('give the command either with --run-command or after --, not both');
  }
  if (command.trim() === '' && !flags.file) {
    throw usageError('no command given', `write it after --: ${program} -t HOSTS -- 'uptime'`);
  }
  const file = flags.file
    ? {
        name: basename(flags.file),
        content: await readFile(flags.file).catch(() => {
          throw usageError(`--file: cannot read ${flags.file}`);
        }),
        args: [...words],
      }
    : undefined;
  return {
    command: file ? '' : command,
    file,
    runAs: flags.runAs,
    hooks: {
      enabled: flags.hooks,
      preDir: flags.preDir,
      postDir: flags.postDir,
      inlinePre: flags.pre,
      inlinePost: flags.post,
    },
    timeoutMs: parseDurationFlag('--timeout', flags.timeout),
    retries: flags.retries === undefined ? undefined : parseCount('--retries', flags.retries),
    retryDelayMs: parseDurationFlag('--retry-delay', flags.retryDelay),
    outputCapBytes:
      flags.outputCap === undefined ? undefined : parseByteSize('--output-cap', flags.outputCap),
  };
}
