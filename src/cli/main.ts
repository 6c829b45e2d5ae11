// The `pogo` program: global flags, subcommands, and the one place errors become stderr text and exit codes.
import { readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { PogoError } from '../model/index.ts';
import type { CliIo } from './cli-io.ts';
import { processIo } from './cli-io.ts';
import { registerCerts } from './certs.ts';
import { registerClientCommands } from './client-commands.ts';
import type { CommandContext } from './context.ts';
import { EXIT_CODES } from './exit-codes.ts';
import { registerCompletion } from './completion/completion-command.ts';
import { registerInit } from './init.ts';
import { registerLab } from './lab/index.ts';
import { reportError } from './report-error.ts';
import { registerOne } from './one.ts';
import { registerSchedule } from './schedule.ts';
import { registerServer } from './server/server-command.ts';
import { registerSimulate } from './simulate.ts';
import { registerWorker } from './worker.ts';

/** Commander exits that already printed what they had to (help, version): not errors. */
const QUIET_EXITS: ReadonlySet<string> = new Set([
  'commander.helpDisplayed',
  'commander.help',
  'commander.version',
]);

/**
 * Run `pogo` with `argv` as in `process.argv` (node, script, args…) and return the exit code.
 * Never throws and never exits the process: every error is printed to `io.err` as `pogo: <message>`.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const ctx: CommandContext = { io, exitCode: EXIT_CODES.ok };
  const debug = wantsDebug(argv);
  try {
    await buildProgram(ctx).parseAsync([...argv], { from: 'node' });
    return ctx.exitCode;
  } catch (e: unknown) {
    if (e instanceof CommanderError && QUIET_EXITS.has(e.code)) {
      return e.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
    }
    const report = reportError(e, debug);
    io.err(report.text);
    return report.exitCode;
  }
}

/** Entry point of the process: run with `process.argv`, set the exit code, survive a closed stdout pipe. */
export async function main(): Promise<void> {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    // `pogo simulate … | head`: the reader is gone; stop quietly as other Unix tools do.
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? EXIT_CODES.ok);
    throw e;
  });
  process.exitCode = await runCli(process.argv);
}

/** The commander program with its subcommands, writing through `ctx.io`. */
export function buildProgram(ctx: CommandContext): Command {
  const program = new Command('pogo')
    .description('Run commands on many hosts in a controlled way: constraints, order, failure budgets.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--debug', 'print stack traces with errors')
    .helpOption('-h, --help', 'print help')
    .configureOutput({ writeOut: ctx.io.out, writeErr: ctx.io.err, outputError: () => undefined })
    .showSuggestionAfterError(true)
    .exitOverride(usageOverride('pogo'));
  registerSchedule(program, ctx).exitOverride(usageOverride('pogo schedule'));
  registerSimulate(program, ctx).exitOverride(usageOverride('pogo simulate'));
  registerLab(program, ctx, usageOverride);
  registerOne(program, ctx).exitOverride(usageOverride('pogo one'));
  registerClientCommands(program, ctx, usageOverride);
  registerWorker(program, ctx).exitOverride(usageOverride('pogo worker'));
  registerServer(program, ctx).exitOverride(usageOverride('pogo server'));
  registerCerts(program, ctx, usageOverride);
  registerInit(program, ctx).exitOverride(usageOverride('pogo init'));
  registerCompletion(program, ctx).exitOverride(usageOverride('pogo completion'));
  return program;
}

/** Turn commander's usage errors into USAGE PogoErrors (exit 64) with a hint; help and version pass through. */
function usageOverride(command: string): (err: CommanderError) => never {
  return (err) => {
    if (QUIET_EXITS.has(err.code)) throw err;
    const [first = err.message, ...rest] = err.message.split('\n');
    const suggestion = /^\(Did you mean (.+)\?\)$/.exec(rest.join(' ').trim())?.[1];
    const hint = suggestion
      ? `did you mean ${suggestion}? (see '${command} --help')`
      : `see '${command} --help'`;
    throw new PogoError('USAGE', first.replace(/^error: /, ''), { hint, cause: err });
  };
}

/** `--debug` anywhere before a `--`: known even when parsing itself fails. */
function wantsDebug(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--debug');
}

function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  const version: unknown = (JSON.parse(text) as { version?: unknown }).version;
  return typeof version === 'string' ? version : '0.0.0';
}

/** True when this file is the script node was started with (`tsx src/cli/main.ts`). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(resolve(script)) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) await main();
