// `pogo run`: submit a job to `pogo server` and follow it as `pogo one` shows a local one (or detach).
import type { Command } from 'commander';
import type { SubmitJobRequest } from '../model/index.ts';
import { formatLimit } from '../model/index.ts';
import type { ConnectionFlags } from './client/profile.ts';
import { addConnectionOptions, connect } from './client/connect.ts';
import { checkJobRecord, followJob, jobUrl, submittedText } from './client/follow-job.ts';
import type { SecretFlags } from './client/seal.ts';
import { addSecretOptions, sealFromFlags } from './client/seal.ts';
import { expandTargetFiles } from './client/target-files.ts';
import type { CommandContext } from './context.ts';
import { EXIT_CODES } from './exit-codes.ts';
import { parseDurationFlag, parseLimitFlag, usageError } from './flags.ts';
import type { TaskFlags } from './task-flags.ts';
import { addTaskOptions, parseTaskFlags } from './task-flags.ts';

/** Flags of `pogo run` as commander hands them over. */
export interface RunFlags extends TaskFlags, ConnectionFlags, SecretFlags {
  readonly namespace?: string;
  readonly targets?: string;
  readonly detach?: boolean;
  readonly json?: boolean;
}

/** Add `run` to the program. */
export function registerRun(program: Command, ctx: CommandContext): Command {
  const run = program
    .command('run')
    .summary('run a command on hosts through `pogo server`, and follow it')
    .description(
      'Submit a job to the server and follow it: a line per host as `pogo one` prints\n' +
        'them, a progress line on a terminal, then a summary. Ctrl-C stops following;\n' +
        'the job keeps running (stop it with pogo halt ID).\n' +
        'Form: pogo run [-n NS] -t TARGETS [options] -- COMMAND…\n' +
        'Exit code: 0 every host succeeded, 1 some host failed, 2 the job halted,\n' +
        '130 detached by Ctrl-C, 64 and up errors (see docs/cli.md).',
    )
    .argument('[command...]', 'the command to run (after --)')
    .option(
      '-n, --namespace <ns>',
      "namespace whose config ($tags, order, constraints) applies (default: 'default')",
    )
    .option('-t, --targets <list>', 'target expression: h1,h2  web[01-20]  $tag  @file  a&b  !x');
  addTaskOptions(run, false);
  return addSecretOptions(addConnectionOptions(run))
    .option('--detach', 'print the job id and its URL, and do not follow it')
    .option('--json', 'print one JSON object per event, then a summary line')
    .action(async (words: string[], flags: RunFlags) => {
      ctx.exitCode = await runRun(words, flags, ctx);
    });
}

/** Submit and follow (or detach); returns the exit code. */
export async function runRun(
  words: readonly string[],
  flags: RunFlags,
  ctx: CommandContext,
): Promise<number> {
  const request = await buildSubmitRequest(words, flags, process.cwd());
  const api = await connect(flags);
  const envelope = await sealFromFlags(api, flags);
  const job = checkJobRecord(await api.submitJob(envelope ? { ...request, envelope } : request));
  if (flags.detach) {
    ctx.io.out(submittedText(api, job, flags.json === true));
    return EXIT_CODES.ok;
  }
  if (!flags.json) {
    const hosts = `${job.hostCount} host${job.hostCount === 1 ? '' : 's'}`;
    ctx.io.err(`pogo: job ${job.id} (${hosts}): ${jobUrl(api, job.id)}\n`);
  }
  return followJob(api, job, ctx, { json: flags.json === true });
}

/**
 * The submit request for the flags, checked here with `pogo one`'s messages (the server checks again).
 * `@file` items of the targets are read relative to `baseDir`. Absent flags are left to the server's defaults.
 */
export async function buildSubmitRequest(
  words: readonly string[],
  flags: RunFlags,
  baseDir: string,
): Promise<SubmitJobRequest> {
  const task = await parseTaskFlags(words, flags, 'pogo run');
  if (flags.targets === undefined || flags.targets.trim() === '') {
    throw usageError('no targets given', 'pass --targets h1,h2 (or web[01-20], $tag, @file)');
  }
  const maxParallel = parseLimitFlag('--max-parallel', flags.maxParallel, { min: 1 });
  const maxFailures = parseLimitFlag('--max-failures', flags.maxFailures);
  const jobTimeoutMs = parseDurationFlag('--job-timeout', flags.jobTimeout);
  const targets = await expandTargetFiles(flags.targets, baseDir);
  const h = task.hooks;
  const hooksChanged =
    !h.enabled ||
    h.preDir !== undefined ||
    h.postDir !== undefined ||
    h.inlinePre.length + h.inlinePost.length > 0;
  return {
    ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }),
    command: task.command,
    targets,
    ...(maxParallel ? { maxParallel: formatLimit(maxParallel) } : {}),
    ...(maxFailures ? { maxFailures: formatLimit(maxFailures) } : {}),
    ...(task.timeoutMs === undefined ? {} : { timeoutMs: task.timeoutMs }),
    ...(jobTimeoutMs === undefined ? {} : { jobTimeoutMs }),
    ...(task.retries === undefined ? {} : { retries: task.retries }),
    ...(task.retryDelayMs === undefined ? {} : { retryDelayMs: task.retryDelayMs }),
    ...(task.runAs === undefined ? {} : { runAs: task.runAs }),
    ...(hooksChanged
      ? {
          hooks: {
            pre: h.enabled,
            post: h.enabled,
            ...(h.preDir === undefined ? {} : { preDir: h.preDir }),
            ...(h.postDir === undefined ? {} : { postDir: h.postDir }),
            inlinePre: h.inlinePre,
            inlinePost: h.inlinePost,
          },
        }
      : {}),
    ...(task.outputCapBytes === undefined ? {} : { outputCapBytes: task.outputCapBytes }),
    ...(task.file
      ? {
          file: {
            name: task.file.name,
            contentBase64: task.file.content.toString('base64'),
            args: task.file.args,
          },
        }
      : {}),
  };
}
