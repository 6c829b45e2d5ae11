// `pogo schedule CONFIG`: print the plan of a job (threads × slots, unordered hosts, constraint groups).
import type { Command } from 'commander';
import { buildPlan } from '../engine/index.ts';
import { EXIT_CODES } from './exit-codes.ts';
import type { CommandContext } from './context.ts';
import { parseLimitFlag } from './flags.ts';
import { loadJobInput, printConfigWarnings } from './job-input.ts';
import { renderConstraintsTable, renderScheduleTable, scheduleJson } from './schedule-view.ts';

/** Flags of `pogo schedule` as commander hands them over. */
export interface ScheduleFlags {
  readonly targets?: string;
  readonly maxParallel?: string;
  readonly json?: boolean;
}

/** Add `schedule` to the program. */
export function registerSchedule(program: Command, ctx: CommandContext): Command {
  return program
    .command('schedule')
    .summary('print the plan of a job: threads × slots and constraint groups')
    .description(
      'Print the plan of a job as the scheduler builds it: each sequence (thread) with its slots in order,\n' +
        'the hosts in no sequence, and the constraint groups the job falls in. Nothing runs.',
    )
    .argument('<config>', 'namespace config file (YAML)')
    .option(
      '--targets <list>',
      'target expression (web[01-04], $tag, @file, a&b, !x); default: every host of the config',
    )
    .option('--max-parallel <n>', 'cap on the whole job: N hosts or N% of its hosts')
    .option('--json', 'print the plan as one JSON document')
    .action(async (config: string, flags: ScheduleFlags) => {
      ctx.exitCode = await runSchedule(config, flags, ctx);
    });
}

/** Build the plan and print it; returns the exit code. */
export async function runSchedule(
  configPath: string,
  flags: ScheduleFlags,
  ctx: CommandContext,
): Promise<number> {
  const maxParallel = parseLimitFlag('--max-parallel', flags.maxParallel, { min: 1 });
  const { config, targets } = await loadJobInput(configPath, flags.targets);
  printConfigWarnings(ctx.io.err, config);
  const plan = buildPlan(config, targets, { maxParallel });
  if (flags.json) {
    ctx.io.out(JSON.stringify(scheduleJson(plan)) + '\n');
  } else {
    ctx.io.out(renderScheduleTable(plan) + '\n' + renderConstraintsTable(plan));
  }
  return EXIT_CODES.ok;
}
