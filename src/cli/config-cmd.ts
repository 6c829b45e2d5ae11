// `pogo config push|show|validate|list`: namespace configs kept by the server, one version per push.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { isPogoError } from '../model/index.ts';
import { renderBoxTable } from './box-table.ts';
import { addConnectionOptions, connect } from './client/connect.ts';
import { timestamp } from './client/job-view-text.ts';
import type { NamespaceCheck } from './client/pogo-api.ts';
import type { ConnectionFlags } from './client/profile.ts';
import type { CommandContext } from './context.ts';
import { EXIT_CODES } from './exit-codes.ts';
import { parseCount, usageError } from './flags.ts';
import type { UsageOverride } from './lab/index.ts';

/** Flags of the `pogo config` subcommands. */
export interface ConfigFlags extends ConnectionFlags {
  readonly version?: string;
  readonly json?: boolean;
}

/** Add `config` (with `push`, `show`, `validate`, `list`) to the program. */
export function registerConfig(program: Command, ctx: CommandContext, usageOverride: UsageOverride): Command {
  const config = program
    .command('config')
    .summary('namespace configs on the server: push, show, validate, list')
    .description(
      'Namespace configs (tags, sequences, constraints; docs/config.md) as the\n' +
        'server keeps them: each push is a new version; a job records the version\n' +
        'it was planned with. Exit code: 0 done, 65 the config is invalid, 64 and up\n' +
        'other errors.',
    )
    .exitOverride(usageOverride('pogo config'));
  const sub = (name: string, summary: string): Command =>
    addConnectionOptions(
      config
        .command(name)
        .summary(summary)
        .exitOverride(usageOverride(`pogo config ${name}`)),
    );
  sub('push', 'upload FILE as the next version of namespace NS')
    .argument('<ns>', 'namespace')
    .argument('<file>', 'config file (YAML)')
    .option('--json', 'print the stored version as JSON')
    .action(async (ns: string, file: string, flags: ConfigFlags) => {
      ctx.exitCode = await runConfigPush(ns, file, flags, ctx);
    });
  sub('show', "print a namespace's config (the newest version, or --version N)")
    .argument('<ns>', 'namespace')
    .option('--version <n>', 'this version instead of the newest')
    .option('--json', 'print the version with its metadata as JSON')
    .action(async (ns: string, flags: ConfigFlags) => {
      ctx.exitCode = await runConfigShow(ns, flags, ctx);
    });
  sub('validate', 'check FILE as the server would for NS, without storing it')
    .argument('<ns>', 'namespace')
    .argument('<file>', 'config file (YAML)')
    .option('--json', "print the server's verdict as JSON")
    .action(async (ns: string, file: string, flags: ConfigFlags) => {
      ctx.exitCode = await runConfigValidate(ns, file, flags, ctx);
    });
  sub('list', 'list the namespaces with their newest version')
    .option('--json', 'print one JSON object per namespace')
    .action(async (flags: ConfigFlags) => {
      ctx.exitCode = await runConfigList(flags, ctx);
    });
  return config;
}

/** Store a new version; an invalid config exits 65. */
export async function runConfigPush(
  ns: string,
  file: string,
  flags: ConfigFlags,
  ctx: CommandContext,
): Promise<number> {
  const text = await readConfigText(file);
  const api = await connect(flags);
  try {
    const stored = await api.putNamespace(ns, text);
    ctx.io.out(
      flags.json ? JSON.stringify(stored) + '\n' : `pushed ${stored.namespace} version ${stored.version}\n`,
    );
    return EXIT_CODES.ok;
  } catch (e: unknown) {
    if (!isPogoError(e) || !e.code.startsWith('CONFIG_')) throw e;
    const hint = e.hint ?? `check it with: pogo config validate ${ns} ${file}`;
    ctx.io.err(`pogo: ${atFile(file, e.message)}\n  hint: ${hint}\n`);
    return EXIT_CODES.dataError;
  }
}

/** Print the config text (or its version record). */
export async function runConfigShow(ns: string, flags: ConfigFlags, ctx: CommandContext): Promise<number> {
  const version = flags.version === undefined ? undefined : parseCount('--version', flags.version);
  if (version === 0) throw usageError('--version: versions count from 1');
  const api = await connect(flags);
  const stored = await api.getNamespace(ns, version);
  if (flags.json) ctx.io.out(JSON.stringify(stored) + '\n');
  else ctx.io.out(stored.text.endsWith('\n') || stored.text === '' ? stored.text : stored.text + '\n');
  return EXIT_CODES.ok;
}

/** Ask the server to check the file; `ok: …` (0) or the error at line:column (65). */
export async function runConfigValidate(
  ns: string,
  file: string,
  flags: ConfigFlags,
  ctx: CommandContext,
): Promise<number> {
  const text = await readConfigText(file);
  const api = await connect(flags);
  let check: NamespaceCheck;
  try {
    check = await api.validateNamespace(ns, text);
  } catch (e: unknown) {
    // A server may also answer an invalid config with an error status rather than `ok: false`.
    if (!isPogoError(e) || !e.code.startsWith('CONFIG_')) throw e;
    check = { ok: false, code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
  }
  if (flags.json) ctx.io.out(JSON.stringify(check) + '\n');
  else if (check.ok) {
    for (const warning of check.warnings ?? []) ctx.io.err(`pogo: warning: ${warning}\n`);
    ctx.io.out(checkSummary(check) + '\n');
  } else ctx.io.err(checkError(file, check));
  return check.ok ? EXIT_CODES.ok : EXIT_CODES.dataError;
}

/** The namespaces with their newest version. */
export async function runConfigList(flags: ConfigFlags, ctx: CommandContext): Promise<number> {
  const api = await connect(flags);
  const namespaces = await api.listNamespaces();
  if (flags.json) ctx.io.out(namespaces.map((n) => JSON.stringify(n) + '\n').join(''));
  else if (namespaces.length === 0) ctx.io.err('pogo: no namespaces yet (pogo config push NS FILE)\n');
  else
    ctx.io.out(
      renderBoxTable({
        header: ['namespace', 'version', 'user', 'pushed'],
        alignRight: [1],
        rows: namespaces.map((n) => [n.namespace, String(n.version), n.user, timestamp(n.createdAt)]),
      }),
    );
  return EXIT_CODES.ok;
}

/** `ok: 20 hosts, 7 tags, 3 groups, 1 chain`. */
export function checkSummary(check: Extract<NamespaceCheck, { ok: true }>): string {
  const n = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
  return `ok: ${n(check.hosts, 'host')}, ${n(check.tags, 'tag')}, ${n(check.groups, 'group')}, ${n(check.chains, 'chain')}`;
}

/** `pogo: FILE:LINE:COL: message` and the hint, as a local config error is printed. */
export function checkError(file: string, check: Extract<NamespaceCheck, { ok: false }>): string {
  const at = check.line === undefined ? file : `${file}:${check.line}:${check.column ?? 1}`;
  return `pogo: ${at}: ${check.message}\n` + (check.hint ? `  hint: ${check.hint}\n` : '');
}

const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
};

/** The server names the upload (`web@upload:4:6: …`); name the local file instead. */
export function atFile(file: string, message: string): string {
  const m = /^\S+?:(\d+):(\d+): (.*)$/s.exec(message);
  return m ? `${file}:${m[1]}:${m[2]}: ${m[3]}` : `${file}: ${message}`;
}

async function readConfigText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e: unknown) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    const why = READ_ERRORS[code] ?? (e as Error).message;
    throw usageError(
      `cannot read config file ${file}: ${why}`,
      'check the path; relative paths start at the current directory',
    );
  }
}
