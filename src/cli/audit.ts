// `pogo audit`: the server's audit trail as a table (who, when, from where, what), newest first.
import type { Command } from 'commander';
import { addConnectionOptions } from './client/connect.ts';
import type { ConnectionFlags } from './client/profile.ts';
import type { CommandContext } from './context.ts';
import { parseCount } from './flags.ts';
import { parseSince } from './users/time-flags.ts';
import { userAdminFor } from './users/users-command.ts';
import { renderAudit } from './users/users-view.ts';

/** Flags of `pogo audit`. */
export interface AuditFlags extends ConnectionFlags {
  readonly user?: string;
  readonly since?: string;
  readonly action?: string;
  readonly subject?: string;
  readonly limit: string;
  readonly data?: string;
  readonly json?: boolean;
}

/** Add `audit` to the program. */
export function registerAudit(program: Command, ctx: CommandContext): Command {
  const cmd = program
    .command('audit')
    .summary('the audit trail: who did what, when, from where (admin)')
    .option('--user <user>', 'entries by this user')
    .option('--since <when>', 'entries since a duration ago (1h, 7d) or an ISO date')
    .option('--action <action>', 'this action (job.halt), or a prefix ending in "." (user.)')
    .option('--subject <subject>', 'entries about this job id, namespace or user')
    .option('--limit <n>', 'entries at most (1 to 1000)', '100')
    .option('--data <dir>', 'read offline from this server data directory instead of the API');
  return addConnectionOptions(cmd)
    .option('--json', 'print one JSON object per entry')
    .action(async (flags: AuditFlags) => {
      const limit = Math.min(Math.max(parseCount('--limit', flags.limit), 1), 1000);
      const admin = await userAdminFor(flags);
      try {
        const entries = await admin.audit({
          limit,
          ...(flags.user === undefined ? {} : { user: flags.user }),
          ...(flags.action === undefined ? {} : { action: flags.action }),
          ...(flags.subject === undefined ? {} : { subject: flags.subject }),
          ...(flags.since === undefined ? {} : { since: parseSince(flags.since, Date.now()) }),
        });
        ctx.io.out(flags.json ? entries.map((e) => `${JSON.stringify(e)}\n`).join('') : renderAudit(entries));
      } finally {
        await admin.close();
      }
    });
}
