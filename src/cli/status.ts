// `pogo status JOB`: a job's metadata, state and reason, counts, blocking groups; optionally its hosts.
import type { Command } from 'commander';
import type { HostRecord } from '../model/index.ts';
import { HOST_STATES } from '../model/index.ts';
import { addConnectionOptions, connect } from './client/connect.ts';
import { exitCodeForStatus, renderHostTable, renderJobStatus } from './client/job-view-text.ts';
import { collectPages } from './client/pages.ts';
import type { ConnectionFlags } from './client/profile.ts';
import type { CommandContext } from './context.ts';

/** Flags of `pogo status`. */
export interface StatusFlags extends ConnectionFlags {
  readonly hosts?: boolean;
  readonly all?: boolean;
  readonly json?: boolean;
}

const NOT_SUCCEEDED = HOST_STATES.filter((s) => s !== 'succeeded');
const HOST_PAGE = 1000;

/** Add `status` to the program. */
export function registerStatus(program: Command, ctx: CommandContext): Command {
  const status = program
    .command('status')
    .summary('show a job: state and reason, counts by state, what it waits on')
    .description(
      'Show a job of the server: metadata, state and reason, hosts by state, the\n' +
        'constraint groups that hold hosts back, whether it is draining.\n' +
        'JOB is an id, a unique id prefix, or `last`.\n' +
        'Exit code: 0 succeeded, 1 failed, 2 halted, 3 not ended yet (pending or\n' +
        'running), 64 and up errors (see docs/cli.md).',
    )
    .argument('<job>', 'job id, unique id prefix, or last')
    .option('--hosts', 'also list the hosts that did not succeed')
    .option('--all', 'with --hosts: list every host');
  return addConnectionOptions(status)
    .option('--json', 'print the job (and with --hosts its hosts) as one JSON document')
    .action(async (ref: string, flags: StatusFlags) => {
      ctx.exitCode = await runStatus(ref, flags, ctx);
    });
}

/** Print the job; the exit code tells its state. */
export async function runStatus(ref: string, flags: StatusFlags, ctx: CommandContext): Promise<number> {
  const api = await connect(flags);
  const view = await api.getJob(ref);
  const wantHosts = flags.hosts === true || flags.all === true;
  const hosts: HostRecord[] | undefined = wantHosts
    ? await collectPages((cursor) =>
        api.listHosts(view.id, {
          state: flags.all ? undefined : NOT_SUCCEEDED,
          cursor,
          limit: HOST_PAGE,
        }),
      )
    : undefined;
  if (flags.json) {
    ctx.io.out(JSON.stringify(hosts ? { ...view, hosts } : view) + '\n');
  } else {
    let text = renderJobStatus(view);
    if (hosts) {
      const which = flags.all ? 'hosts' : 'hosts not succeeded';
      text +=
        '\n' + (hosts.length > 0 ? renderHostTable(hosts, `${which} (${hosts.length})`) : `no ${which}\n`);
    }
    ctx.io.out(text);
  }
  return exitCodeForStatus(view.state);
}
