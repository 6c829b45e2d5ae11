// `pogo simulate CONFIG --targets LIST`: run the real engine on a simulated clock and print the event trace.
import type { Command } from 'commander';
import { buildPlan, simulate } from '../engine/index.ts';
import { LineBuffer } from './cli-io.ts';
import type { CommandContext } from './context.ts';
import { loadDurationsFile } from './durations-file.ts';
import { exitCodeForJob } from './exit-codes.ts';
import { exclusive, parseDurationFlag, parseLimitFlag, parseSeedFlag } from './flags.ts';
import { loadJobInput, resolveHosts } from './job-input.ts';
import type { FailureModel } from './sim-inputs.ts';
import { DEFAULT_DURATION_MS, durationOf, outcomeOf } from './sim-inputs.ts';
import { simOutcome, writeEventLines, writeSummary, writeSummaryLine, writeTrace } from './sim-view.ts';

/** The simulated job's id (internal; the output drops it). */
const JOB_ID = 'sim';

/** Flags of `pogo simulate` as commander hands them over. */
export interface SimulateFlags {
  readonly targets: string;
  readonly duration?: string;
  readonly durations?: string;
  readonly fail?: string;
  readonly failRate?: string;
  readonly seed?: string;
  readonly maxParallel?: string;
  readonly maxFailures?: string;
  readonly jobTimeout?: string;
  readonly json?: boolean;
}

/** Add `simulate` to the program. */
export function registerSimulate(program: Command, ctx: CommandContext): Command {
  return program
    .command('simulate')
    .summary('run the engine on a simulated clock and print the event trace')
    .description(
      'Run a job through the real scheduler on a simulated clock: every host takes its given duration and\n' +
        'succeeds unless told to fail. Prints every event, the makespan, the peak hosts out of service per\n' +
        'constraint group and the end state. Exit code: 0 succeeded, 1 some host failed, 2 halted.',
    )
    .argument('<config>', 'namespace config file (YAML)')
    .requiredOption('--targets <list>', 'target expression (web[01-04], $tag, @file, a&b, !x)')
    .option(
      '--duration <time>',
      `how long every host runs: 500ms, 30s, 2m, 1h (default ${DEFAULT_DURATION_MS / 1000}s)`,
    )
    .option('--durations <file>', 'JSON or YAML map host → duration (or seconds), with an optional default')
    .option('--fail <list>', 'target expression of the hosts that fail')
    .option('--fail-rate <percent>', 'each host fails with this probability, e.g. 5%')
    .option('--seed <n>', 'seed for --fail-rate (default 1)')
    .option('--max-parallel <n>', 'cap on the whole job: N hosts or N% of its hosts')
    .option('--max-failures <n>', 'failure budget: more failed hosts than N (or N% of the job) halts the job')
    .option('--job-timeout <time>', 'halt the job when it has run this long, e.g. 10m')
    .option('--json', 'print one JSON object per event and a last summary line')
    .action(async (config: string, flags: SimulateFlags) => {
      ctx.exitCode = await runSimulate(config, flags, ctx);
    });
}

/** Simulate the job and print it; returns 0, 1 or 2 by the job's end state. */
export async function runSimulate(
  configPath: string,
  flags: SimulateFlags,
  ctx: CommandContext,
): Promise<number> {
  exclusive(
    '--duration',
    flags.duration !== undefined,
    '--durations',
    flags.durations !== undefined,
    'put a "default:" entry in the durations file',
  );
  exclusive('--fail', flags.fail !== undefined, '--fail-rate', flags.failRate !== undefined);
  const durationMs = parseDurationFlag('--duration', flags.duration) ?? DEFAULT_DURATION_MS;
  const timeoutMs = parseDurationFlag('--job-timeout', flags.jobTimeout);
  const maxParallel = parseLimitFlag('--max-parallel', flags.maxParallel, { min: 1 });
  const maxFailures = parseLimitFlag('--max-failures', flags.maxFailures);
  const failRate = parseLimitFlag('--fail-rate', flags.failRate, { percentOnly: true });
  const seed = parseSeedFlag('--seed', flags.seed, 1);

  const { config, targets } = await loadJobInput(configPath, flags.targets);
  const table = flags.durations === undefined ? undefined : await loadDurationsFile(flags.durations);
  let failures: FailureModel = { kind: 'none' };
  if (flags.fail !== undefined) {
    const hosts = new Set(await resolveHosts(flags.fail, config));
    if (!targets.some((h) => hosts.has(h))) ctx.io.err(failWarning(hosts, targets));
    failures = { kind: 'hosts', hosts };
  } else if (failRate) {
    failures = { kind: 'rate', percent: failRate.value, seed };
  }

  const plan = buildPlan(config, targets, { maxParallel });
  const hostDuration = durationOf(table, durationMs);
  const hostOutcome = outcomeOf(failures);
  const result = simulate([{ id: JOB_ID, plan, maxFailures, timeoutMs }], {
    durationMs: (_job, host) => hostDuration(host),
    outcome: (_job, host) => hostOutcome(host),
  });
  const outcome = simOutcome(plan, JOB_ID, result);
  const out = new LineBuffer(ctx.io.out);
  if (flags.json) {
    writeEventLines(result.events, out);
    writeSummaryLine(outcome, out);
  } else {
    writeTrace(result.events, result.makespanMs, out);
    writeSummary(outcome, out);
  }
  out.flush();
  return exitCodeForJob(outcome.state);
}

/** `--fail` named no target: say so, suggesting full names for short ones (`web03` → `web03.example.com`). */
function failWarning(failing: ReadonlySet<string>, targets: readonly string[]): string {
  const full = [...failing].flatMap((h) => targets.filter((t) => t.startsWith(`${h}.`)).slice(0, 1));
  const hint = full.length ? `\n  hint: did you mean ${full.slice(0, 3).join(', ')}?` : '';
  return `pogo: warning: --fail names none of the target hosts; every host succeeds${hint}\n`;
}
