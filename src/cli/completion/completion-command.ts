// `pogo completion SHELL` (print the script) and the hidden `pogo __complete SHELL -- WORDS…` the scripts call.
import { Argument } from 'commander';
import type { Command } from 'commander';
import { apiClientFor } from '../client/connect.ts';
import { PogoApi } from '../client/pogo-api.ts';
import { resolveProfile } from '../client/profile.ts';
import type { CommandContext } from '../context.ts';
import { EXIT_CODES } from '../exit-codes.ts';
import { completeWords, readLine } from './complete-words.ts';
import type { CompletionSources } from './complete-words.ts';
import { SHELLS, completionScript } from './shell-scripts.ts';
import type { Shell } from './shell-scripts.ts';

/** How long one completion may wait for the server: a slow answer must not hang the shell. */
const COMPLETION_TIMEOUT_MS = 1500;

/** Add `completion` (returned, for main's usage override) and the hidden `__complete` to the program. */
export function registerCompletion(program: Command, ctx: CommandContext): Command {
  const completion = program
    .command('completion')
    .summary('print the shell completion script (bash, zsh or fish)')
    .description(
      'Print a completion script for commands, flags, namespaces, tags (-t after -n NS) and job ids.\n' +
        'bash: source <(pogo completion bash)   zsh: source <(pogo completion zsh)   fish: pogo completion fish | source\n' +
        'Namespaces, tags and job ids come from the server of your profile (as pogo run finds it).',
    )
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS))
    .action((shell: Shell) => {
      ctx.io.out(completionScript(shell));
    });
  program
    .command('__complete', { hidden: true })
    .argument('<shell>')
    .argument('[words...]')
    .allowUnknownOption()
    .helpOption(false)
    .action(async (_shell: string, words: string[] = []) => {
      const before = words.slice(0, -1);
      const current = words.at(-1) ?? '';
      const answer = await completeWords(program, before, current, serverSources(program, before));
      ctx.io.out(answer.kind === 'files' ? 'files\n' : ['words', ...answer.words].join('\n') + '\n');
      ctx.exitCode = EXIT_CODES.ok;
    });
  return completion;
}

/** Namespaces, tags and jobs from the server the line (`--server`, `--token`) or the profile names. */
function serverSources(program: Command, before: readonly string[]): CompletionSources {
  let api: Promise<PogoApi> | undefined;
  const connect = (): Promise<PogoApi> => {
    api ??= (async () => {
      const given = readLine(program, before).optionValues;
      const flags: { server?: string; token?: string; ca?: string } = {};
      for (const key of ['server', 'token', 'ca'] as const) {
        const value = given.get(key);
        if (value) flags[key] = value;
      }
      const profile = await resolveProfile(flags);
      return new PogoApi(await apiClientFor(profile, undefined, COMPLETION_TIMEOUT_MS));
    })();
    return api;
  };
  return {
    namespaces: async () => (await (await connect()).listNamespaces()).map((n) => n.namespace),
    tags: async (namespace) => (await (await connect()).listTags(namespace)).tags.map((t) => t.name),
    jobs: async () => (await (await connect()).listJobs({ limit: 50 })).items.map((j) => j.id),
  };
}
