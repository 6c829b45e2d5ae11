// What to offer for the word being typed: read from the commander definitions (commands, flags, arguments), not a list.
import type { Argument, Command, Option } from 'commander';

/** Where candidates come from when the commander tree alone cannot say. */
export interface CompletionSources {
  namespaces(): Promise<readonly string[]>;
  /** Tag names (without `$`) of a namespace's config. */
  tags(namespace: string): Promise<readonly string[]>;
  /** Recent job ids, newest first. */
  jobs(): Promise<readonly string[]>;
}

/** The answer: candidate words (already matching the typed prefix), or "let the shell complete file names". */
export type Completion =
  { readonly kind: 'words'; readonly words: readonly string[] } | { readonly kind: 'files' };

/** Option and argument names whose values are files. */
const FILE_VALUES: ReadonlySet<string> = new Set([
  'config', 'ssh-config', 'identity', 'ca', 'cert', 'key', 'file', 'data', 'secrets', 'durations', 'dir',
]); // prettier-ignore

/** What the line says so far, beyond the command: values given to options (`-n web`, `--server URL`). */
export interface LineState {
  readonly command: Command;
  readonly optionValues: ReadonlyMap<string, string>;
  /** Positional arguments before the current word. */
  readonly positionals: number;
  /** The option whose value is being typed, if any. */
  readonly pendingOption: Option | undefined;
  /** A `--` came before: the rest is a remote command, nothing to offer. */
  readonly afterDashes: boolean;
}

/** Walk `before` (the words after `pogo`, up to the current one) through the command tree. */
export function readLine(program: Command, before: readonly string[]): LineState {
  let command = program;
  const optionValues = new Map<string, string>();
  let positionals = 0;
  let pendingOption: Option | undefined;
  for (const word of before) {
    if (pendingOption) {
      optionValues.set(pendingOption.attributeName(), word);
      pendingOption = undefined;
      continue;
    }
    if (word === '--') return { command, optionValues, positionals, pendingOption, afterDashes: true };
    if (word.startsWith('-') && word.length > 1) {
      const [flag = '', inline] = word.split('=', 2);
      const option = findOption(command, program, flag);
      if (option && (option.required || option.optional)) {
        if (inline !== undefined) optionValues.set(option.attributeName(), inline);
        else pendingOption = option;
      }
      continue;
    }
    const sub = positionals === 0 ? findCommand(command, word) : undefined;
    if (sub) {
      command = sub;
      continue;
    }
    positionals++;
  }
  return { command, optionValues, positionals, pendingOption, afterDashes: false };
}

/** Candidates for `current`, the word under the cursor, after `before`. Sources that fail give nothing. */
export async function completeWords(
  program: Command,
  before: readonly string[],
  current: string,
  sources: CompletionSources,
): Promise<Completion> {
  const line = readLine(program, before);
  const words = (list: readonly string[]): Completion => ({
    kind: 'words',
    words: [...new Set(list)].filter((w) => w.startsWith(current)),
  });
  if (line.afterDashes) return words([]);
  const namespace = line.optionValues.get('namespace') ?? 'default';
  if (line.pendingOption)
    return valuesFor(optionKey(line.pendingOption), line.pendingOption.argChoices, namespace, sources, words);
  if (current.startsWith('-')) return words(optionNames(line.command, program));
  const subs = line.command.createHelp().visibleCommands(line.command);
  if (subs.length > 0 && line.positionals === 0)
    return words(subs.flatMap((c) => [c.name(), ...c.aliases()]));
  const args = line.command.registeredArguments;
  const arg: Argument | undefined =
    args[line.positionals] ?? (args.at(-1)?.variadic ? args.at(-1) : undefined);
  if (!arg) return words([]);
  return valuesFor(arg.name(), arg.argChoices, namespace, sources, words);
}

async function valuesFor(
  key: string,
  choices: readonly string[] | undefined,
  namespace: string,
  sources: CompletionSources,
  words: (list: readonly string[]) => Completion,
): Promise<Completion> {
  if (choices) return words(choices);
  if (FILE_VALUES.has(key)) return { kind: 'files' };
  const quietly = async (ask: () => Promise<readonly string[]>): Promise<readonly string[]> => {
    try {
      return await ask();
    } catch {
      return []; // completion is silent: no server, no token, no namespace → nothing to offer
    }
  };
  if (key === 'namespace' || key === 'ns') return words(await quietly(() => sources.namespaces()));
  if (key === 'job') return words(['last', ...(await quietly(() => sources.jobs()))]);
  if (key === 'targets' || key === 'expr') {
    return words((await quietly(() => sources.tags(namespace))).map((t) => `$${t}`));
  }
  return words([]);
}

/** An option's long name without dashes (`ssh-config`), else its attribute name. */
function optionKey(option: Option): string {
  return option.long?.replace(/^--/, '') ?? option.attributeName();
}

/** The flags help shows for `command` (its own, then the program's global ones such as --debug). */
function optionNames(command: Command, program: Command): string[] {
  const help = command.createHelp();
  const options = [
    ...help.visibleOptions(command),
    ...(command === program ? [] : help.visibleOptions(program)),
  ];
  return options.flatMap((o) => [o.long, o.short]).filter((n): n is string => n !== undefined);
}

function findOption(command: Command, program: Command, flag: string): Option | undefined {
  return [...command.options, ...program.options].find((o) => o.long === flag || o.short === flag);
}

function findCommand(command: Command, word: string): Command | undefined {
  return command.commands.find((c) => c.name() === word || c.aliases().includes(word));
}
