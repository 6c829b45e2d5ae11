// `pogo one`: the whole system in one process — plan, engine and worker — running a command on real hosts.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { buildPlan } from '../engine/index.ts';
import { resolveTargets } from '../config/index.ts';
import { LocalJob } from '../dispatcher/index.ts';
import type { NamespaceConfig } from '../model/index.ts';
import { loadConfigFile } from '../config/index.ts';
import type { HostTask, HostTaskResult } from '../worker/index.ts';
import { runHostTask } from '../worker/index.ts';
import type { CommandContext } from './context.ts';
import { exitCodeForJob } from './exit-codes.ts';
import { parseDurationFlag, parseLimitFlag, usageError } from './flags.ts';
import { openTransport } from './one-transport.ts';
import type { OneFlags } from './one-flags.ts';
import { parseByteSize, parseCount } from './one-flags.ts';
import { countsLine, eventJson, groupedOutput, progressLine, resultLine } from './one-view.ts';
import { promptPassword, readPasswordFromStdin } from './password-input.ts';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** Add `one` to the program. */
export function registerOne(program: Command, ctx: CommandContext): Command {
  return program
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
    .option('--run-command <cmd>', 'the command to run (the original form)')
    .option('--transport <name>', 'ssh (in-process, default), openssh (spawns ssh) or local', 'ssh')
    .option('--ssh-config <file>', 'OpenSSH client config for host names, ports, users, keys, known_hosts')
    .option('-l, --user <user>', 'log in as this user (default: ssh_config, else $USER)')
    .option('-i, --identity <file>', 'private key file (repeatable)', collect, [])
    .option('--accept-new', 'accept and record host keys of unknown hosts (strict by default)')
    .option('--connect-rate <n>', 'new SSH connections per second at most', '50')
    .option('--password', 'prompt once (no echo) for the password: SSH password auth and sudo prompts')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .option('--run-as <user>', 'run the command as this user through sudo')
    .option(
      '--file <script>',
      'copy this local script to each host, run it with the command words as arguments, remove it',
    )
    .option('--retries <n>', 're-run a failing command on the same host up to N times', '0')
    .option('--retry-delay <time>', 'pause between retries', '5s')
    .option('--timeout <time>', 'per-host timeout (hooks included); the remote command is killed', '600s')
    .option('--job-timeout <time>', 'halt the job when it has run this long')
    .option('--max-parallel <n>', 'cap on the whole job: N hosts or N% of its hosts')
    .option('--max-failures <n>', 'failure budget: more failed hosts than N (or N%) halts the job')
    .option('--no-hooks', 'run neither pre- nor post-hooks')
    .option('--pre-dir <dir>', 'directory of pre-hooks on the targets', '/etc/pogo/pre.d')
    .option('--post-dir <dir>', 'directory of post-hooks on the targets', '/etc/pogo/post.d')
    .option('--pre <cmd>', 'an inline pre-hook (repeatable)', collect, [])
    .option('--post <cmd>', 'an inline post-hook (repeatable)', collect, [])
    .option('--output-cap <size>', 'output kept per host, e.g. 1MiB, 64KiB', '1MiB')
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
      runHostTask(transport, targetOf(host), { ...task, jobId, namespace, host }, { password, signal }),
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
  const command = flags.runCommand ?? words.join(' ');
  if (flags.runCommand !== undefined && words.length > 0) {
    throw usageError('give the command either with --run-command or after --, not both');
  }
  if (command.trim() === '' && !flags.file) {
    throw usageError('no command given', "write it after --: pogo one -t HOSTS -- 'uptime'");
  }
  const file = flags.file
    ? {
        name: basename(flags.file),
        content: await readFile(flags.file).catch(() => {
          throw usageError(`--file: cannot read ${flags.file}`);
        }),
        args: words,
      }
    : undefined;
  return {
    command: file ? '' : command,
    file,
    runAs: flags.runAs,
    hooks: {
      pre: flags.hooks,
      post: flags.hooks,
      preDir: flags.preDir,
      postDir: flags.postDir,
      inlinePre: flags.pre,
      inlinePost: flags.post,
    },
    timeoutMs: parseDurationFlag('--timeout', flags.timeout) ?? 600_000,
    retries: parseCount('--retries', flags.retries),
    retryDelayMs: parseDurationFlag('--retry-delay', flags.retryDelay) ?? 5_000,
    outputCapBytes: parseByteSize('--output-cap', flags.outputCap),
  };
}

async function jobTargets(flags: OneFlags, config: NamespaceConfig | undefined): Promise<string[]> {
  if (flags.targets !== undefined) {
    return resolveTargets(flags.targets, { ...(config ? { config } : {}), baseDir: process.cwd() });
  }
  if (config && config.hosts.length > 0) return [...config.hosts];
  throw usageError('no targets given', 'pass --targets h1,h2 (or web[01-20], $tag, @file)');
}
