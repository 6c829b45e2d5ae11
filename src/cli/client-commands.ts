// Registers the commands that talk to `pogo server` (run, status, log, jobs, halt, …, config, users, login, audit, targets).
import type { Command } from 'commander';
import { registerAudit } from './audit.ts';
import { registerConfig } from './config-cmd.ts';
import type { CommandContext } from './context.ts';
import { registerJobOps } from './job-ops.ts';
import { registerJobs } from './jobs.ts';
import type { UsageOverride } from './lab/index.ts';
import { registerLog } from './log.ts';
import { registerLogin } from './login.ts';
import { registerRollback } from './rollback.ts';
import { registerRun } from './run.ts';
import { registerStatus } from './status.ts';
import { registerTargets } from './targets.ts';
import { registerUsers } from './users/users-command.ts';

/** Add the client commands to the program, each with main's usage-error override. */
export function registerClientCommands(
  program: Command,
  ctx: CommandContext,
  usageOverride: UsageOverride,
): void {
  registerRun(program, ctx).exitOverride(usageOverride('pogo run'));
  registerStatus(program, ctx).exitOverride(usageOverride('pogo status'));
  registerLog(program, ctx).exitOverride(usageOverride('pogo log'));
  registerJobs(program, ctx).exitOverride(usageOverride('pogo jobs'));
  registerJobOps(program, ctx, usageOverride);
  registerRollback(program, ctx).exitOverride(usageOverride('pogo rollback'));
  registerConfig(program, ctx, usageOverride);
  registerUsers(program, ctx, usageOverride);
  registerLogin(program, ctx).exitOverride(usageOverride('pogo login'));
  registerAudit(program, ctx).exitOverride(usageOverride('pogo audit'));
  registerTargets(program, ctx).exitOverride(usageOverride('pogo targets'));
}
