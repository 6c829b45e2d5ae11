// `pogo lab up` and `pogo lab down`: start a detached SSH lab in a directory, and stop it.
import type { Command, CommanderError } from 'commander';
import { PogoError } from '../../model/index.ts';
import type { CommandContext } from '../context.ts';
import { EXIT_CODES } from '../exit-codes.ts';
import { LAB_MAX_HOSTS } from './lab.ts';
import type { StartLabOptions } from './lab.ts';
import { compileStartLabOptions } from './lab-options.ts';
import { labJson, renderLabSummary } from './lab-view.ts';
import { startLab } from './start-lab.ts';
import { stopLab } from './stop-lab.ts';

/** Flags of `pogo lab up` as commander hands them over. */
export interface LabUpFlags {
  readonly hosts: string;
  readonly dir: string;
  readonly port?: string;
  readonly json?: boolean;
}

/** Flags of `pogo lab down`. */
export interface LabDownFlags {
  readonly dir: string;
}

/** Makes a subcommand's usage errors USAGE PogoErrors with a hint naming the command (main's override). */
export type UsageOverride = (command: string) => (err: CommanderError) => never;

/** Add `lab` (with `up` and `down`) to the program. */
export function registerLab(program: Command, ctx: CommandContext, usageOverride: UsageOverride): Command {
  const lab = program
    .command('lab')
    .summary('a throwaway lab of SSH hosts on this machine, for demos and tests')
    .description(
      'Start or stop an SSH lab: one private sshd on 127.0.0.1 that answers for lab-0001 … lab-N, with an\n' +
        'ssh_config, known_hosts, a Pogo config, a host list and an Ansible inventory. See docs/lab.md.',
    )
    .exitOverride(usageOverride('pogo lab'));
  lab
    .command('up')
    .summary('start a lab and print where its files are')
    .description(
      'Start a lab in DIR (created when missing) and leave it running after this command exits.\n' +
        'As root, hosts log in as the user pogolab (created once, with a password and sudo).',
    )
    .requiredOption('--hosts <n>', `number of host names, 1 to ${LAB_MAX_HOSTS}`)
    .requiredOption('--dir <dir>', "directory for the lab's files")
    .option('--port <port>', 'port on 127.0.0.1 (default: a free one)')
    .option('--json', 'print the lab as one JSON document')
    .exitOverride(usageOverride('pogo lab up'))
    .action(async (flags: LabUpFlags) => {
      ctx.exitCode = await runLabUp(flags, ctx);
    });
  lab
    .command('down')
    .summary('stop the lab in a directory')
    .description("Stop the lab's sshd (TERM, then KILL after 5 s). Its files stay in DIR.")
    .requiredOption('--dir <dir>', 'directory of the lab')
    .exitOverride(usageOverride('pogo lab down'))
    .action(async (flags: LabDownFlags) => {
      ctx.exitCode = await runLabDown(flags, ctx);
    });
  return lab;
}

/** Start a detached lab and describe it; returns the exit code. */
export async function runLabUp(flags: LabUpFlags, ctx: CommandContext): Promise<number> {
  const requested: StartLabOptions = {
    hosts: parseWhole('--hosts', flags.hosts),
    dir: flags.dir,
    ...(flags.port === undefined ? {} : { port: parseWhole('--port', flags.port) }),
    detached: true,
  };
  // Bad flags fail here, named as flags, before anything is created.
  compileStartLabOptions(requested, '--');
  const lab = await startLab(requested);
  ctx.io.out(flags.json ? JSON.stringify(labJson(lab)) + '\n' : renderLabSummary(lab));
  return EXIT_CODES.ok;
}

/** Stop the lab in `--dir`; returns the exit code. */
export async function runLabDown(flags: LabDownFlags, ctx: CommandContext): Promise<number> {
  await stopLab(flags.dir);
  ctx.io.out(`stopped the lab in ${flags.dir}\n`);
  return EXIT_CODES.ok;
}

/** A whole number written in digits, for `flag`. */
function parseWhole(flag: string, raw: string): number {
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n)) {
    throw new PogoError('USAGE', `${flag}: "${raw}" is not a whole number`);
  }
  return n;
}
