// `pogo halt`, `resume`, `retry`, `skip`: an operator's actions on a running (or halted) server job.
import type { Command } from 'commander';
import { expandPattern } from '../config/index.ts';
import type { JobView } from '../model/index.ts';
import { addConnectionOptions, connect } from './client/connect.ts';
import { stateText } from './client/job-view-text.ts';
import type { PogoApi } from './client/pogo-api.ts';
import type { ConnectionFlags } from './client/profile.ts';
import type { SecretFlags } from './client/seal.ts';
import { addSecretOptions, sealFromFlags } from './client/seal.ts';
import { splitTopLevel } from '../config/index.ts';
import type { CommandContext } from './context.ts';
import { EXIT_CODES } from './exit-codes.ts';
import { foldHosts } from './host-ranges.ts';
import type { UsageOverride } from './lab/index.ts';
import { countsLine } from './one-view.ts';

/** Flags of the job operations. */
export interface JobOpFlags extends ConnectionFlags, SecretFlags {
  readonly kill?: boolean;
  readonly json?: boolean;
}

/** What an operation did: a line saying so, and the job as the server shows it afterwards. */
interface OpResult {
  readonly note: string;
  readonly view: JobView;
}

/** Add `halt`, `resume`, `retry` and `skip` to the program. */
export function registerJobOps(program: Command, ctx: CommandContext, usageOverride: UsageOverride): void {
  const add = (name: string, summary: string): Command =>
    addConnectionOptions(
      program
        .command(name)
        .summary(summary)
        .argument('<job>', 'job id, unique id prefix, or last')
        .exitOverride(usageOverride(`pogo ${name}`)),
    ).option('--json', 'print the job as the server shows it afterwards, as JSON');
  const run = async (flags: JobOpFlags, op: (api: PogoApi) => Promise<OpResult>): Promise<void> => {
    ctx.exitCode = await runJobOp(flags, ctx, op);
  };

  add('halt', 'halt a job: nothing new starts; running hosts finish (or are killed with --kill)')
    .option('--kill', 'also kill the commands running now')
    .action((ref: string, flags: JobOpFlags) =>
      run(flags, async (api) => ({
        note: `halt requested for ${ref}: ${flags.kill ? 'running commands are killed' : 'running hosts finish'}`,
        view: await api.halt(ref, flags.kill === true),
      })),
    );
  addSecretOptions(
    add('resume', 'resume a halted job, or give a job in needs-password its password again'),
  ).action((ref: string, flags: JobOpFlags) =>
    run(flags, async (api) => ({
      note: `resumed ${ref}`,
      view: await api.resume(ref, await sealFromFlags(api, flags)),
    })),
  );
  add('retry', 'run failed hosts of a job again')
    .argument('<hosts...>', 'hosts or host patterns (web[01-03], a,b)')
    .action((ref: string, args: string[], flags: JobOpFlags) => {
      const hosts = expandHostArgs(args);
      return run(flags, async (api) => ({
        note: `retrying ${hostsText(hosts)} of ${ref}`,
        view: await api.retry(ref, hosts),
      }));
    });
  add('skip', 'skip hosts of a job that have not run (or failed): they count as done')
    .argument('<hosts...>', 'hosts or host patterns (web[01-03], a,b)')
    .action((ref: string, args: string[], flags: JobOpFlags) => {
      const hosts = expandHostArgs(args);
      return run(flags, async (api) => ({
        note: `skipped ${hostsText(hosts)} of ${ref}`,
        view: await api.skip(ref, hosts),
      }));
    });
}

/** Connect, do `op`, print what it did; returns the exit code (0; errors throw). */
export async function runJobOp(
  flags: JobOpFlags,
  ctx: CommandContext,
  op: (api: PogoApi) => Promise<OpResult>,
): Promise<number> {
  const { note, view } = await op(await connect(flags));
  ctx.io.out(flags.json ? JSON.stringify(view) + '\n' : `${note}\n${jobLines(view)}`);
  return EXIT_CODES.ok;
}

/** Host arguments with their patterns expanded (`web[01-03]`, `a,b`, `db{1,3}`), first appearance first. */
export function expandHostArgs(args: readonly string[]): string[] {
  const hosts = args.flatMap((arg) =>
    splitTopLevel(arg, ',')
      .filter((piece) => piece !== '')
      .flatMap((piece) => expandPattern(piece)),
  );
  return [...new Set(hosts)];
}

/** `ID running (…)` and the counts. */
function jobLines(view: JobView): string {
  return `${view.id} ${stateText(view)}\nhosts: ${countsLine(view.counts)}\n`;
}

function hostsText(hosts: readonly string[]): string {
  return `${hosts.length} host${hosts.length === 1 ? '' : 's'} (${foldHosts(hosts).join(',')})`;
}
