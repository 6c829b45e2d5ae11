// `pogo one`: the whole system in one process — plan, engine and worker — running a command on real hosts.
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { buildPlan } from '../engine/index.ts';
import { resolveTargets } from '../config/index.ts';
import { LocalJob } from '../dispatcher/index.ts';
import type { NamespaceConfig } from '../model/index.ts';
import { loadConfigFile } from '../config/index.ts';
import type { HostTask, HostTaskResult } from '../worker/index.ts';
import { runHostTask, withConnect } from '../worker/index.ts';
import type { CommandContext } from './context.ts';
import { exitCodeForJob } from './exit-codes.ts';
import { parseDurationFlag, parseLimitFlag, usageError } from './flags.ts';
import { addTransportOptions, openTransport } from './one-transport.ts';
import type { OneFlags } from './one-flags.ts';
import { TASK_DEFAULTS, addTaskOptions, parseTaskFlags } from './task-flags.ts';
import { countsLine, eventJson, groupedOutput, progressLine, resultLine } from './one-view.ts';
import { promptPassword, readPasswordFromStdin } from './password-input.ts';
import { printConfigWarnings } from './job-input.ts';

/** Add `one` to the program. */
export function registerOne(program: Command, ctx: CommandContext): Command {
  const one = program
    .command('one')
    .summary('run a command on hosts from this process (engine + worker, no server)')
    .description(
      'Run a command on every target host over SSH, in the order and within the limits of the config.\n' +
        'Forms: pogo one -c CONFIG -t TARGETS -- COMMAND…   or   pogo one --config C --targets h1,h2 --run-command CMD\n' +
        'Exit code: 0 every host succeeded, 1 some host failed, 2 the job halted, 64 usage or config error.',
    )
    .argument('[command...]', 'the command to run (after --)')
    .option('-c, --config <file>', 'namespace config (tags, sequences, constraints)')
    .option(
      '-t, --targets <list>',
      'target expression: h1,h2  web[01-20]  $tag  @file  a&b  !x (default: the config’s hosts)',
    )
    .option('--run-command <cmd>', 'the command to run (the original form)');
  addTransportOptions(one, '')
    .option('--password', 'prompt once (no echo) for the password: SSH password auth and sudo prompts')
    .option('--password-stdin', 'read the password from the first line of standard input');
  return addTaskOptions(one, true)
    .option('--output', 'print every host’s output at the end, identical outputs grouped')
    .option('--namespace <name>', 'namespace name passed to the hosts as POGO_NAMESPACE')
    .option('--json', 'print one JSON object per event, then a summary line')
    .action(async (words: string[], flags: OneFlags) => {
      ctx.exitCode = await runOne(words, flags, ctx);
    });
}

/** Run the job to its end; returns the exit code. */
export async function runOne(
  words: readonly string[],
  flags: OneFlags,
  ctx: CommandContext,
): Promise<number> {
  const task = await taskTemplate(words, flags);
  const config: NamespaceConfig | undefined = flags.config ? await loadConfigFile(flags.config) : undefined;
  printConfigWarnings(ctx.io.err, config);
  const targets = await jobTargets(flags, config);
  const maxParallel = parseLimitFlag('--max-parallel', flags.maxParallel, { min: 1 });
  const maxFailures = parseLimitFlag('--max-failures', flags.maxFailures);
  const jobTimeout = parseDurationFlag('--job-timeout', flags.jobTimeout);
  const plan = buildPlan(config, targets, { maxParallel });
  const password = flags.passwordStdin
    ? await readPasswordFromStdin()
    : flags.password
      ? await promptPassword()
      : undefined;
  const jobId = `one-${randomBytes(4).toString('hex')}`;
  const namespace = flags.namespace ?? config?.namespace ?? 'default';
  const { transport, targetOf } = await openTransport(flags);

  const results = new Map<string, HostTaskResult>();
  const startedAt = Date.now();
  const tty = !flags.json && process.stderr.isTTY === true;
  let progress = '';
  const say = (line: string): void => {
    if (progress) process.stderr.write('\r\u001b[K');
    ctx.io.out(line + '\n');
    progress = '';
  };
  const job = new LocalJob<HostTaskResult>({
    jobId,
    plan,
    maxFailures,
    timeoutMs: jobTimeout,
    execute: (host, signal) =>
      runHostTask(
        transport,
        withConnect(targetOf(host), config?.connect?.get(host)),
        { ...task, jobId, namespace, host },
        { password, signal },
      ),
    onResult: (host, r) => void results.set(host, r),
    onEvent: (e) => {
      if (flags.json) return say(eventJson(e, startedAt, 'host' in e ? results.get(e.host) : undefined));
      if (e.type === 'host:started') say(`${e.host}: Running target`);
      else if ('host' in e && results.has(e.host) && e.type !== 'host:retried' && e.type !== 'host:skipped') {
        say(resultLine(e.host, results.get(e.host) as HostTaskResult));
      } else if (e.type === 'job:halting') say(`pogo: halting: ${e.reason} (running hosts finish)`);
    },
  });

  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts === 1) {
      say('pogo: Ctrl-C: halting — running hosts finish; press Ctrl-C again to kill them');
      job.halt('halted by Ctrl-C');
    } else {
      say('pogo: Ctrl-C again: killing running commands');
      job.kill('killed by Ctrl-C');
    }
  };
  process.on('SIGINT', onSigint);
  const ticker = tty
    ? setInterval(() => {
        progress = progressLine(job.counts(), plan.hosts.length, Date.now() - startedAt);
        process.stderr.write(`\r\u001b[K${progress}`);
      }, 250)
    : undefined;
  try {
    const summary = await job.run();
    if (progress) process.stderr.write('\r\u001b[K');
    const elapsed = (Date.now() - startedAt) / 1000;
    if (flags.json) {
      ctx.io.out(
        JSON.stringify({
          type: 'summary',
          job: jobId,
          state: summary.state,
          reason: summary.reason,
          seconds: elapsed,
          counts: summary.counts,
        }) + '\n',
      );
    } else {
      if (flags.output) ctx.io.out('\n' + groupedOutput(results));
      ctx.io.out(
        `\n${jobId} ${summary.state} (${summary.reason}) in ${elapsed.toFixed(1)}s\nhosts: ${countsLine(summary.counts)}\n`,
      );
    }
    return exitCodeForJob(summary.state);
  } finally {
    clearInterval(ticker);
    process.off('SIGINT', onSigint);
    await transport.close();
  }
}

/** The parts of the host task that are the same for every host. */
async function taskTemplate(
  words: readonly string[],
  flags: OneFlags,
): Promise<Omit<HostTask, 'jobId' | 'namespace' | 'host'>> {
  const t = await parseTaskFlags(words, flags, 'pogo one');
  return {
    command: t.command,
    file: t.file,
    runAs: t.runAs,
    hooks: {
      pre: t.hooks.enabled,
      post: t.hooks.enabled,
      preDir: t.hooks.preDir ?? TASK_DEFAULTS.preDir,
      postDir: t.hooks.postDir ?? TASK_DEFAULTS.postDir,
      inlinePre: t.hooks.inlinePre,
      inlinePost: t.hooks.inlinePost,
    },
    timeoutMs: t.timeoutMs ?? 600_000,
    retries: t.retries ?? 0,
    retryDelayMs: t.retryDelayMs ?? 5_000,
    outputCapBytes: t.outputCapBytes ?? 1 << 20,
  };
}

async function jobTargets(flags: OneFlags, config: NamespaceConfig | undefined): Promise<string[]> {
  if (flags.targets !== undefined) {
    return resolveTargets(flags.targets, { ...(config ? { config } : {}), baseDir: process.cwd() });
  }
  if (config && config.hosts.length > 0) return [...config.hosts];
  throw usageError('no targets given', 'pass --targets h1,h2 (or web[01-20], $tag, @file)');
}
