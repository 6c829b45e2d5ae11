// `pogo rollback JOB -- CMD`: a new job running CMD on the hosts that succeeded in JOB, in reverse order.
import type { Command } from 'commander';
import { addConnectionOptions, connect } from './client/connect.ts';
import { checkJobRecord, followJob, jobUrl, submittedText } from './client/follow-job.ts';
import type { ConnectionFlags } from './client/profile.ts';
import type { SecretFlags } from './client/seal.ts';
import { addSecretOptions, sealFromFlags } from './client/seal.ts';
import type { CommandContext } from './context.ts';
import { EXIT_CODES } from './exit-codes.ts';
import { usageError } from './flags.ts';

/** Flags of `pogo rollback`. */
export interface RollbackFlags extends ConnectionFlags, SecretFlags {
  readonly detach?: boolean;
  readonly json?: boolean;
}

/** Add `rollback` to the program. */
export function registerRollback(program: Command, ctx: CommandContext): Command {
  const rollback = program
    .command('rollback')
    .summary('run an undo command on the hosts that succeeded in a job, in reverse order')
    .description(
      'Start a new job that runs COMMAND on the hosts that succeeded in JOB, last\n' +
        'first, and follow it as `pogo run` does. Form: pogo rollback JOB -- COMMAND…\n' +
        'Exit code: 0 every host succeeded, 1 some host failed, 2 halted,\n' +
        '130 detached by Ctrl-C, 64 and up errors.',
    )
    .argument('<job>', 'the job to roll back: id, unique id prefix, or last')
    .argument('[command...]', 'the undo command (after --)');
  return addSecretOptions(addConnectionOptions(rollback))
    .option('--detach', 'print the new job id and its URL, and do not follow it')
    .option('--json', 'print one JSON object per event, then a summary line')
    .action(async (ref: string, words: string[], flags: RollbackFlags) => {
      ctx.exitCode = await runRollback(ref, words, flags, ctx);
    });
}

/** Start the rollback job and follow it (or detach); returns the exit code. */
export async function runRollback(
  ref: string,
  words: readonly string[],
  flags: RollbackFlags,
  ctx: CommandContext,
): Promise<number> {
  const command = words.join(' ');
  if (command.trim() === '') {
    throw usageError('no rollback command given', `write it after --: pogo rollback ${ref} -- 'CMD'`);
  }
  const api = await connect(flags);
  const job = checkJobRecord(await api.rollback(ref, command, await sealFromFlags(api, flags)));
  if (flags.detach) {
    ctx.io.out(submittedText(api, job, flags.json === true));
    return EXIT_CODES.ok;
  }
  if (!flags.json) {
    const hosts = `${job.hostCount} host${job.hostCount === 1 ? '' : 's'}, last first`;
    ctx.io.err(
      `pogo: rolling back ${job.rollbackOf ?? ref} with job ${job.id} (${hosts}): ${jobUrl(api, job.id)}\n`,
    );
  }
  return followJob(api, job, ctx, { json: flags.json === true });
}
