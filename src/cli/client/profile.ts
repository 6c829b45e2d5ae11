// Where the CLI client finds its server and token: flags, then POGO_SERVER/POGO_TOKEN, then the profile file.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LineCounter, isMap, isScalar, parseDocument } from 'yaml';
import type { Node, Pair } from 'yaml';
import { z } from 'zod';
import type { SourcePosition } from '../../model/index.ts';
import { PogoError } from '../../model/index.ts';
import { usageError } from '../flags.ts';

/** The server a fresh install listens on (`pogo server` without `--listen`). */
export const DEFAULT_SERVER = 'http://127.0.0.1:7657';

/** The connection flags every client command has. */
export interface ConnectionFlags {
  readonly server?: string;
  readonly token?: string;
  /** A CA certificate file (PEM) to trust for an https:// server. */
  readonly ca?: string;
}

/** Where the profile looks besides the flags (the process's by default; tests pass their own). */
export interface ProfileSources {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir: string;
}

/** The resolved connection. The token is a secret: never print it, put it in an error or log it. */
export interface Profile {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:7657`. */
  readonly server: string;
  readonly token: string | undefined;
  /** Where the server URL came from, for messages (`--server`, `POGO_SERVER`, the file, or the default). */
  readonly serverFrom: string;
  /** Where the token came from (`--token`, `POGO_TOKEN`, the file), or undefined when there is none. */
  readonly tokenFrom: string | undefined;
  /** The profile file that was (or would have been) read. */
  readonly file: string;
  /** A CA certificate file to trust for https (`--ca`, `POGO_CA`, or `ca:` in the file), else undefined. */
  readonly ca: string | undefined;
}

const fileSchema = z.strictObject({
  server: z.string().optional(),
  token: z.string().optional(),
  ca: z.string().min(1).optional(),
});
const FILE_HINT = 'the file holds the keys server: URL, token: TOKEN and (for a private CA) ca: FILE';

/** The process's environment and home directory. */
export function processSources(): ProfileSources {
  return { env: process.env, homeDir: homedir() };
}

/** `$XDG_CONFIG_HOME/pogo/config.yaml`, else `~/.config/pogo/config.yaml`. */
export function profilePath(sources: ProfileSources): string {
  const xdg = sources.env.XDG_CONFIG_HOME;
  return join(xdg ? xdg : join(sources.homeDir, '.config'), 'pogo', 'config.yaml');
}

/** Resolve server and token: flags > environment > profile file > {@link DEFAULT_SERVER} (no token). */
export async function resolveProfile(
  flags: ConnectionFlags,
  sources: ProfileSources = processSources(),
): Promise<Profile> {
  const file = profilePath(sources);
  const stored = await readProfileFile(file);
  const env = (name: string): string | undefined => sources.env[name] || undefined;
  const serverChoice: [string, string] | undefined =
    flags.server !== undefined
      ? [flags.server, '--server']
      : env('POGO_SERVER') !== undefined
        ? [env('POGO_SERVER') ?? '', 'POGO_SERVER']
        : undefined;
  const server = serverChoice
    ? normaliseServer(serverChoice[0], () => usageError(badServer(serverChoice[1], serverChoice[0])))
    : (stored.server ?? DEFAULT_SERVER);
  const serverFrom = serverChoice?.[1] ?? (stored.server ? file : 'the default');
  const tokenChoice: [string, string] | undefined =
    flags.token !== undefined
      ? [flags.token, '--token']
      : env('POGO_TOKEN') !== undefined
        ? [env('POGO_TOKEN') ?? '', 'POGO_TOKEN']
        : undefined;
  if (tokenChoice && !isToken(tokenChoice[0])) throw usageError(badToken(tokenChoice[1]));
  const token = tokenChoice?.[0] ?? stored.token;
  const tokenFrom = tokenChoice?.[1] ?? (stored.token === undefined ? undefined : file);
  const ca = flags.ca ?? env('POGO_CA') ?? stored.ca;
  return { server, token, serverFrom, tokenFrom, file, ca };
}

/** The keys of a profile file, checked; a missing file is an empty profile. */
async function readProfileFile(file: string): Promise<{ server?: string; token?: string; ca?: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new PogoError('USAGE', `cannot read ${file}: ${(e as Error).message}`, {
      cause: e,
      hint: FILE_HINT,
    });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return { file, line, column: col };
  };
  const syntax = doc.errors[0];
  if (syntax) throw fileError(syntax.message, at(syntax.pos[0]));
  if (doc.contents !== null && !isMap(doc.contents)) {
    throw fileError('expected a map of keys (server:, token:)', at(doc.contents.range?.[0]));
  }
  const pairOf = (key: PropertyKey | undefined): Pair | undefined =>
    isMap(doc.contents) ? doc.contents.items.find((p) => isScalar(p.key) && p.key.value === key) : undefined;
  const rangeOf = (node: unknown): number | undefined => (node as Node | null | undefined)?.range?.[0];
  /** Where the value of `key` starts (its key when it has no value). */
  const keyAt = (key: PropertyKey | undefined): SourcePosition => {
    const pair = pairOf(key);
    return at(rangeOf(pair?.value) ?? rangeOf(pair?.key));
  };
  const parsed = fileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.code === 'unrecognized_keys') {
      const key = issue.keys[0];
      throw fileError(`unknown key "${key}" (known keys: server, token, ca)`, at(rangeOf(pairOf(key)?.key)));
    }
    const key = issue?.path[0];
    throw fileError(`${String(key)}: must be a string`, keyAt(key));
  }
  const { server, token, ca } = parsed.data;
  if (token !== undefined && !isToken(token)) throw fileError(badToken('token'), keyAt('token'));
  const normalised =
    server === undefined
      ? undefined
      : normaliseServer(server, () => fileError(badServer('server', server), keyAt('server')));
  return {
    ...(normalised === undefined ? {} : { server: normalised }),
    ...(token === undefined ? {} : { token }),
    ...(ca === undefined ? {} : { ca }),
  };
}

/** `raw` as a base URL without a trailing slash; `fail()` when it is not a plain http(s) URL. */
function normaliseServer(raw: string, fail: () => PogoError): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw fail();
  }
  // Credentials in the URL would end up in messages; tokens go in --token / POGO_TOKEN.
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) throw fail();
  if (url.search || url.hash) throw fail();
  return url.href.replace(/\/+$/, '');
}

/** One header-safe word (no spaces or control characters). */
function isToken(text: string): boolean {
  return /^[\x21-\x7e]+$/.test(text);
}

function badServer(where: string, raw: string): string {
  return `${where}: "${raw}" is not a server URL like ${DEFAULT_SERVER} (http or https, no user, path allowed)`;
}

/** Never quotes the token itself. */
function badToken(where: string): string {
  return `${where}: a token is one word of printable characters (no spaces)`;
}

function fileError(message: string, position: SourcePosition): PogoError {
  return new PogoError('USAGE', message, { position, hint: FILE_HINT });
}
