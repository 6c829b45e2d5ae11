// `pogo jobs`: the server's jobs as a table, newest first: yours by default, filtered by user, state, host, text.
import type { Command } from 'commander';
import type { JobRecord } from '../model/index.ts';
import { JOB_STATES } from '../model/index.ts';
import { addConnectionOptions, connect } from './client/connect.ts';
import { renderJobsTable } from './client/job-view-text.ts';
import { collectPages } from './client/pages.ts';
import type { ConnectionFlags } from './client/profile.ts';
import { splitTopLevel } from '../config/index.ts';
import type { CommandContext } from './context.ts';
import { EXIT_CODES } from './exit-codes.ts';
import { exclusive, parseCount, usageError } from './flags.ts';

/** Flags of `pogo jobs`. */
export interface JobsFlags extends ConnectionFlags {
  readonly user?: string;
  readonly state?: string;
  readonly namespace?: string;
  readonly host?: string;
  readonly query?: string;
  readonly all?: boolean;
  readonly limit: string;
  readonly json?: boolean;
}

/** The server's page size cap (GET /v1/jobs). */
const MAX_PAGE = 500;

/** Add `jobs` to the program. */
export function registerJobs(program: Command, ctx: CommandContext): Command {
  const jobs = program
    .command('jobs')
    .summary('list jobs, newest first (yours unless --all or --user)')
    .description(
      'List the jobs of the server, newest first: your own by default, everyone’s\n' +
        'with --all. Ids show their first 8 characters; any unique prefix names a job.',
    )
    .option('--user <user>', 'jobs of this user')
    .option('--state <list>', `only these states, comma-separated (${JOB_STATES.join(', ')})`)
    .option('--namespace <ns>', 'only jobs of this namespace')
    .option('--host <host>', 'only jobs that include this host')
    .option('-q, --query <text>', 'only jobs whose command, targets or id contain TEXT')
    .option('--all', 'jobs of every user')
    .option('--limit <n>', 'show at most N jobs', '50');
  return addConnectionOptions(jobs)
    .option('--json', 'print one JSON object per job')
    .action(async (flags: JobsFlags) => {
      ctx.exitCode = await runJobs(flags, ctx);
    });
}

/** List the jobs; returns the exit code (0). */
export async function runJobs(flags: JobsFlags, ctx: CommandContext): Promise<number> {
  exclusive('--user', flags.user !== undefined, '--all', flags.all === true);
  const limit = parseCount('--limit', flags.limit);
  if (limit === 0) throw usageError('--limit: must be at least 1');
  const state = flags.state === undefined ? undefined : parseStates(flags.state);
  const api = await connect(flags);
  const user = flags.all ? undefined : (flags.user ?? (await api.me()).user);
  const jobs: JobRecord[] = await collectPages(
    (cursor) =>
      api.listJobs({
        user,
        state,
        namespace: flags.namespace,
        host: flags.host,
        q: flags.query,
        cursor,
        limit: Math.min(limit, MAX_PAGE),
      }),
    limit,
  );
  if (flags.json) {
    ctx.io.out(jobs.map((j) => JSON.stringify(j) + '\n').join(''));
  } else if (jobs.length === 0) {
    const hint = flags.all || flags.user ? '' : " (--all shows everyone's)";
    ctx.io.err(`pogo: no jobs${user ? ` of ${user}` : ''} match${hint}\n`);
  } else {
    ctx.io.out(renderJobsTable(jobs));
  }
  return EXIT_CODES.ok;
}

/** `running,halted` → the states, each checked. */
function parseStates(raw: string): string[] {
  const states = splitTopLevel(raw, ',').filter((s) => s !== '');
  const bad = states.find((s) => !(JOB_STATES as readonly string[]).includes(s));
  if (bad !== undefined || states.length === 0) {
    throw usageError(`--state: "${bad ?? raw}" is not a job state`, `use ${JOB_STATES.join(', ')}`);
  }
  return states;
}
