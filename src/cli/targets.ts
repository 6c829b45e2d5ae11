// `pogo targets EXPR`: the hosts a target expression names, from a config file, a namespace on the server, or patterns alone.
import type { Command } from 'commander';
import { loadConfigFile, resolveTargets } from '../config/index.ts';
import type { NamespaceConfig } from '../model/index.ts';
import { addConnectionOptions, connect } from './client/connect.ts';
import type { ConnectionFlags } from './client/profile.ts';
import { expandTargetFiles, foldRuns } from './client/target-files.ts';
import type { CommandContext } from './context.ts';
import { EXIT_CODES } from './exit-codes.ts';
import { usageError } from './flags.ts';
import { printConfigWarnings } from './job-input.ts';

/** Flags of `pogo targets` as commander hands them over. */
export interface TargetsFlags extends ConnectionFlags {
  readonly config?: string;
  readonly namespace?: string;
  readonly json?: boolean;
}

/** Add `targets` to the program. */
export function registerTargets(program: Command, ctx: CommandContext): Command {
  const cmd = program
    .command('targets')
    .summary('print the hosts a target expression names')
    .description(
      'Resolve a target expression as pogo run and pogo one would, and print the hosts:\n' +
        'their count and the list with consecutive names folded into ranges (--json: every host).\n' +
        'With -c FILE the tags come from a config file; with -n NS from the namespace on the server;\n' +
        'with neither the expression may name hosts, patterns and @files only.\n' +
        "Expressions: 'web[01-04].x db1', '$frontend & $colo.east', '$web !web03', @file (docs/config.md).",
    )
    .argument('<expr...>', 'the target expression (several words are joined with spaces)')
    .option('-c, --config <file>', 'namespace config file whose $tags the expression uses')
    .option('-n, --namespace <ns>', 'resolve on the server, under the namespace config')
    .option('--json', 'print {"count": N, "hosts": […]}');
  return addConnectionOptions(cmd).action(async (words: string[], flags: TargetsFlags) => {
    ctx.exitCode = await runTargets(words.join(' '), flags, ctx);
  });
}

/** Resolve and print; returns the exit code. */
export async function runTargets(expr: string, flags: TargetsFlags, ctx: CommandContext): Promise<number> {
  if (flags.config !== undefined && flags.namespace !== undefined) {
    throw usageError('give -c FILE or -n NS, not both');
  }
  let hosts: readonly string[];
  let warnings: readonly string[] = [];
  if (flags.namespace !== undefined) {
    const api = await connect(flags);
    const answer = await api.resolveTargets(flags.namespace, await expandTargetFiles(expr, process.cwd()));
    hosts = answer.hosts;
    warnings = answer.warnings ?? [];
  } else {
    const config: NamespaceConfig | undefined =
      flags.config === undefined ? undefined : await loadConfigFile(flags.config);
    printConfigWarnings(ctx.io.err, config);
    hosts = await resolveTargets(expr, { ...(config ? { config } : {}), baseDir: process.cwd() });
  }
  for (const warning of warnings) ctx.io.err(`pogo: warning: ${warning}\n`);
  if (flags.json) ctx.io.out(JSON.stringify({ count: hosts.length, hosts }) + '\n');
  else ctx.io.out(`${hosts.length} host${hosts.length === 1 ? '' : 's'}: ${foldRuns(hosts).join(', ')}\n`);
  return EXIT_CODES.ok;
}
