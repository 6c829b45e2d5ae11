// The subset of OpenSSH client config Pogo honours: Host blocks, first value wins, resolved to a Target.
import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { PogoError } from '../model/errors.ts';
import { matchPatternList } from './host-pattern.ts';
import { tokenizeConfigLine } from './ssh-config-line.ts';
import type { ConfigToken } from './ssh-config-line.ts';
import type { Target } from './types.ts';

/** Host-key policy: `yes` refuses unknown hosts, `accept-new` records them, `no` checks nothing. */
export type StrictHostKeyChecking = 'yes' | 'accept-new' | 'no';

/** A Target with everything a transport needs to connect, after ssh_config and Pogo's defaults. */
export interface ResolvedTarget extends Target {
  readonly knownHostsFiles: readonly string[];
  readonly strictHostKeyChecking: StrictHostKeyChecking;
  readonly connectTimeoutMs: number;
  /** Keepalive interval (ServerAliveInterval); 0 turns keepalives off. */
  readonly keepaliveMs: number;
  /** IdentitiesOnly: use only the identity files, not the agent's keys. */
  readonly identitiesOnly: boolean;
}

/** A parsed ssh_config. */
export interface SshConfig {
  /** The file it was read from (undefined for an empty config). */
  readonly file: string | undefined;
  /** What the config says about `host`, with Pogo's defaults for what it leaves out. */
  resolveTarget(host: string): ResolvedTarget;
}

/** Where `~`, `%d` and `%u` point; the current user's by default. */
export interface SshConfigEnv {
  readonly home: string;
  readonly localUser: string;
}

/** Pogo's defaults where the config says nothing (strict host keys, unlike OpenSSH's `ask`). */
export const SSH_CONFIG_DEFAULTS = {
  strictHostKeyChecking: 'yes',
  connectTimeoutMs: 10_000,
  keepaliveMs: 15_000,
} as const satisfies Partial<ResolvedTarget>;

type Value = string | number | boolean | readonly string[];

interface Setting {
  readonly keyword: string;
  readonly value: Value;
}

interface Block {
  /** Host patterns, or `all` (before any Host line, `Match all`) or `never` (other Match blocks). */
  readonly patterns: readonly string[] | 'all' | 'never';
  readonly settings: Setting[];
}

const TOKEN_CHARS = new Set(['%', 'h', 'n', 'p', 'r', 'u', 'd']);

type Fail = (msg: string, t?: ConfigToken) => never;
type ValueParser = (args: readonly ConfigToken[], fail: Fail) => Value;

const one = (args: readonly ConfigToken[], fail: Fail): ConfigToken => {
  if (args.length > 1) fail('takes one value', args[1]);
  return args[0] as ConfigToken;
};

const seconds: ValueParser = (args, fail) => {
  const t = one(args, fail);
  if (!/^\d+$/.test(t.text)) fail(`"${t.text}" is not a number of seconds`, t);
  return Number(t.text) * 1000;
};

const withTokens: ValueParser = (args, fail) => {
  const t = one(args, fail);
  checkTokens(t, fail);
  return t.text;
};

function checkTokens(t: ConfigToken, fail: Fail): void {
  for (const m of t.text.matchAll(/%(.?)/g)) {
    if (!TOKEN_CHARS.has(m[1] ?? '')) fail(`unknown token %${m[1] ?? ''} in "${t.text}"`, t);
  }
}

const PARSERS: Readonly<Record<string, ValueParser>> = {
  hostname: withTokens,
  port: (args, fail) => {
    const t = one(args, fail);
    const port = Number(t.text);
    if (!/^\d+$/.test(t.text) || port < 1 || port > 65535) fail(`"${t.text}" is not a port (1-65535)`, t);
    return port;
  },
  user: (args, fail) => one(args, fail).text,
  identityfile: withTokens,
  identitiesonly: (args, fail) => {
    const t = one(args, fail);
    const v = t.text.toLowerCase();
    if (v !== 'yes' && v !== 'no') fail(`"${t.text}" is not yes or no`, t);
    return v === 'yes';
  },
  userknownhostsfile: (args, fail) => {
    args.forEach((t) => checkTokens(t, fail));
    return args.map((t) => t.text);
  },
  stricthostkeychecking: (args, fail) => {
    const t = one(args, fail);
    const v = t.text.toLowerCase();
    if (v === 'yes' || v === 'ask') return 'yes'; // Pogo never asks: `ask` is as strict as `yes`
    if (v === 'no' || v === 'off') return 'no';
    if (v === 'accept-new') return v;
    return fail(`"${t.text}" is not yes, accept-new, no (or ask, off)`, t);
  },
  hostkeyalias: (args, fail) => one(args, fail).text,
  proxyjump: (args, fail) => one(args, fail).text,
  connecttimeout: seconds,
  serveraliveinterval: seconds,
};

/** Parse ssh_config text; `file` names it in errors. Unknown keywords are ignored; bad values throw SSH_CONFIG_INVALID. */
export function parseSshConfig(text: string, file: string, env: SshConfigEnv = currentEnv()): SshConfig {
  const blocks: Block[] = [{ patterns: 'all', settings: [] }];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const fail: Fail = (msg, t) => {
      throw new PogoError('SSH_CONFIG_INVALID', msg, {
        position: { file, line, column: t?.column ?? 1 },
        hint: 'see docs/transports.md for the ssh_config keywords Pogo reads',
      });
    };
    const parsed = tokenizeConfigLine(raw);
    if (typeof parsed === 'string') fail(parsed);
    if (parsed === null) return;
    const keyword = parsed.keyword.text.toLowerCase();
    const { args } = parsed;
    if (keyword === 'host') {
      if (args.length === 0) fail('Host needs at least one pattern', parsed.keyword);
      blocks.push({ patterns: args.map((a) => a.text), settings: [] });
    } else if (keyword === 'match') {
      const all = args.length === 1 && args[0]?.text.toLowerCase() === 'all';
      blocks.push({ patterns: all ? 'all' : 'never', settings: [] });
    } else if (keyword in PARSERS) {
      if (args.length === 0) fail(`${parsed.keyword.text} needs a value`, parsed.keyword);
      const value = (PARSERS[keyword] as ValueParser)(args, (msg, t) =>
        fail(`${parsed.keyword.text}: ${msg}`, t),
      );
      blocks.at(-1)?.settings.push({ keyword, value });
    }
  });
  return { file, resolveTarget: (host) => resolve(blocks, host, env) };
}

/** Read and parse an ssh_config file. A missing or unreadable file is SSH_CONFIG_INVALID. */
export async function readSshConfig(path: string, env?: SshConfigEnv): Promise<SshConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e: unknown) {
    throw new PogoError('SSH_CONFIG_INVALID', `cannot read ssh_config ${path}`, {
      cause: e,
      hint: 'check the path given with --ssh-config',
    });
  }
  return parseSshConfig(text, path, env);
}

/** A config with nothing in it: every host gets Pogo's defaults. */
export function emptySshConfig(env: SshConfigEnv = currentEnv()): SshConfig {
  return { file: undefined, resolveTarget: (host) => resolve([], host, env) };
}

function currentEnv(): SshConfigEnv {
  return { home: homedir(), localUser: userInfo().username };
}

function resolve(blocks: readonly Block[], host: string, env: SshConfigEnv): ResolvedTarget {
  const first = new Map<string, Value>();
  const identities: string[] = [];
  for (const block of blocks) {
    const { patterns } = block;
    if (patterns === 'never' || (patterns !== 'all' && !matchPatternList(host, patterns))) continue;
    for (const { keyword, value } of block.settings) {
      if (keyword === 'identityfile') identities.push(value as string);
      else if (!first.has(keyword)) first.set(keyword, value);
    }
  }
  const get = <T extends Value>(k: string): T | undefined => first.get(k) as T | undefined;
  const hostnameRaw = get<string>('hostname');
  const hostname = hostnameRaw === undefined ? undefined : expand(hostnameRaw, { h: host, n: host }, env);
  const port = get<number>('port');
  const user = get<string>('user');
  const tokens = { h: hostname ?? host, n: host, p: String(port ?? 22), r: user ?? env.localUser };
  const knownHosts = get<readonly string[]>('userknownhostsfile');
  const jump = get<string>('proxyjump');
  return {
    host,
    hostname,
    port,
    user,
    identityFiles: identities.length > 0 ? identities.map((f) => expand(f, tokens, env)) : undefined,
    hostKeyAlias: get<string>('hostkeyalias'),
    jump: jump === undefined || jump.toLowerCase() === 'none' ? undefined : jump,
    knownHostsFiles: (knownHosts ?? ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'])
      .filter((f) => f.toLowerCase() !== 'none')
      .map((f) => expand(f, tokens, env)),
    strictHostKeyChecking:
      get<StrictHostKeyChecking>('stricthostkeychecking') ?? SSH_CONFIG_DEFAULTS.strictHostKeyChecking,
    connectTimeoutMs: get<number>('connecttimeout') || SSH_CONFIG_DEFAULTS.connectTimeoutMs,
    keepaliveMs: get<number>('serveraliveinterval') ?? SSH_CONFIG_DEFAULTS.keepaliveMs,
    identitiesOnly: get<boolean>('identitiesonly') ?? false,
  };
}

/** Expand `~` and the `%` tokens of a path or host name. */
function expand(text: string, tokens: Readonly<Record<string, string>>, env: SshConfigEnv): string {
  const all: Record<string, string> = { ...tokens, d: env.home, u: env.localUser, '%': '%' };
  const withTokens = text.replace(/%(.)/g, (m, c: string) => all[c] ?? m);
  return withTokens === '~' || withTokens.startsWith('~/') ? env.home + withTokens.slice(1) : withTokens;
}
