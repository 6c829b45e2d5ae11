// The `http URL` tag source: inventory JSON fetched with a timeout and a size cap, cached in memory and on disk.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PogoError } from '../model/errors.ts';
import type { SourcePosition } from '../model/errors.ts';
import type { Inventory } from './inventory.ts';
import { parseInventoryJson } from './inventory-json.ts';

/** Defaults of an `http` source. */
export const HTTP_SOURCE_DEFAULTS = {
  timeoutMs: 10_000,
  ttlMs: 60_000,
  maxBytes: 64 * 1024 * 1024,
} as const;

/** An `http URL [timeout=10s] [ttl=1m]` tag value, parsed. */
export interface HttpSourceSpec {
  readonly url: string;
  readonly timeoutMs: number;
  /** How long a fetched copy is used without asking the source again. */
  readonly ttlMs: number;
}

/** What loading an `http` source needs besides its spec. */
export interface HttpSourceOptions {
  readonly position: SourcePosition;
  /** Where copies are kept across processes (the server's `<data>/cache/http`); memory only without it. */
  readonly cacheDir?: string | undefined;
  readonly maxBytes?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly now?: () => number;
  /** Told when a cached copy stands in for a source that failed. */
  readonly warn: (message: string) => void;
}

interface CachedCopy {
  readonly url: string;
  readonly fetchedAt: number;
  readonly body: string;
}

const memory = new Map<string, CachedCopy>();
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** Drop the copies kept in this process's memory (those on disk stay): what a new process starts with. */
export function forgetHttpCopies(): void {
  memory.clear();
}

/** Parse the words after `http`; a bad word → the reason, as a string. */
export function parseHttpSource(words: readonly string[]): HttpSourceSpec | string {
  const [url = '', ...rest] = words;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return `"${url}" is not an http:// or https:// URL`;
  const spec: { url: string; timeoutMs: number; ttlMs: number } = {
    url,
    timeoutMs: HTTP_SOURCE_DEFAULTS.timeoutMs,
    ttlMs: HTTP_SOURCE_DEFAULTS.ttlMs,
  };
  for (const word of rest) {
    const [key = '', value = ''] = word.split('=', 2);
    const m = DURATION.exec(value);
    if ((key !== 'timeout' && key !== 'ttl') || !m) {
      return `"${word}" is not timeout=DURATION or ttl=DURATION (such as 10s, 500ms, 5m)`;
    }
    const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
    if (key === 'timeout') {
      if (ms <= 0) return 'timeout must be above 0';
      spec.timeoutMs = ms;
    } else spec.ttlMs = ms;
  }
  return spec;
}

/**
 * The inventory at `spec.url`: a copy younger than `ttlMs` is used as it is; otherwise the URL is fetched
 * (status 2xx, at most `maxBytes`, within `timeoutMs`, JSON as the command source prints). When that fails
 * and an earlier copy exists, the copy is used and a warning names the failure and the copy's age; without
 * one → CONFIG_TAG_SOURCE_FAILED naming the URL and the reason.
 */
export async function loadHttpSource(spec: HttpSourceSpec, options: HttpSourceOptions): Promise<Inventory> {
  // Cache ages are wall-clock time: the one clock of the config layer, passed in by tests.
  // eslint-disable-next-line no-restricted-properties
  const now = options.now ?? Date.now;
  const cached = memory.get(spec.url) ?? (await readDiskCopy(spec.url, options.cacheDir));
  if (cached && now() - cached.fetchedAt < spec.ttlMs) {
    const inventory = parseInventoryJson(cached.body);
    if (typeof inventory !== 'string') return inventory;
  }
  const fetched = await fetchBody(spec, options.maxBytes ?? HTTP_SOURCE_DEFAULTS.maxBytes, options.signal);
  const inventory = 'failed' in fetched ? fetched.failed : parseInventoryJson(fetched.body);
  if (typeof inventory !== 'string') {
    if ('body' in fetched) {
      const copy = { url: spec.url, fetchedAt: now(), body: fetched.body };
      memory.set(spec.url, copy);
      const unsaved = await writeDiskCopy(copy, options.cacheDir);
      if (unsaved) options.warn(`tag source "http ${spec.url}": the copy was not saved (${unsaved})`);
    }
    return inventory;
  }
  const reason = inventory;
  const old = cached ? parseInventoryJson(cached.body) : undefined;
  if (cached && old !== undefined && typeof old !== 'string') {
    const age = Math.round((now() - cached.fetchedAt) / 1000);
    options.warn(
      `tag source "http ${spec.url}" failed (${reason}): using the copy fetched ${new Date(cached.fetchedAt).toISOString()} (${age} s ago)`,
    );
    return old;
  }
  throw new PogoError('CONFIG_TAG_SOURCE_FAILED', `tag source "http ${spec.url}" failed: ${reason}`, {
    position: options.position,
    hint: 'no earlier copy to fall back on: check the URL (curl it), or raise timeout=',
  });
}

/** A failure whose message is already the reason to show. */
class FetchFailure extends Error {}

/** The body of a 2xx answer, or why there is none. */
async function fetchBody(
  spec: HttpSourceSpec,
  maxBytes: number,
  signal: AbortSignal | undefined,
): Promise<{ readonly body: string } | { readonly failed: string }> {
  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(), spec.timeoutMs);
  const onAbort = (): void => timer.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const tooLarge = `the answer is larger than ${maxBytes} bytes`;
  try {
    const res = await fetch(spec.url, { headers: { accept: 'application/json' }, signal: timer.signal });
    if (!res.ok) throw new FetchFailure(`the server answered HTTP ${res.status}`);
    if (Number(res.headers.get('content-length') ?? NaN) > maxBytes) throw new FetchFailure(tooLarge);
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of (res.body ?? []) as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > maxBytes) throw new FetchFailure(tooLarge);
      chunks.push(chunk);
    }
    return { body: Buffer.concat(chunks).toString('utf8') };
  } catch (e: unknown) {
    if (e instanceof FetchFailure) return { failed: e.message };
    if (signal?.aborted) return { failed: 'aborted' };
    if (timer.signal.aborted) return { failed: `no complete answer within ${spec.timeoutMs} ms` };
    return { failed: e instanceof Error ? reasonOf(e) : String(e) };
  } finally {
    clearTimeout(timeout);
    // Ends a body left unread (an error status, too large): the connection is not kept waiting.
    timer.abort();
    signal?.removeEventListener('abort', onAbort);
  }
}

/** fetch's `fetch failed` → its cause (ECONNREFUSED, ENOTFOUND, …). */
function reasonOf(e: Error): string {
  if (e.message === 'fetch failed' && e.cause instanceof Error) {
    const code = (e.cause as NodeJS.ErrnoException).code;
    return code ? `cannot connect (${code})` : e.cause.message;
  }
  return e.message;
}

function diskPath(url: string, dir: string): string {
  return join(dir, `${createHash('sha256').update(url).digest('hex').slice(0, 32)}.json`);
}

async function readDiskCopy(url: string, dir: string | undefined): Promise<CachedCopy | undefined> {
  if (dir === undefined) return undefined;
  try {
    const copy = JSON.parse(await readFile(diskPath(url, dir), 'utf8')) as Partial<CachedCopy>;
    if (copy.url !== url || typeof copy.fetchedAt !== 'number' || typeof copy.body !== 'string')
      return undefined;
    const valid = { url, fetchedAt: copy.fetchedAt, body: copy.body };
    memory.set(url, valid);
    return valid;
  } catch {
    return undefined;
  }
}

/** Save the copy (write then rename, so readers never see half a file); why it could not be, else undefined. */
async function writeDiskCopy(copy: CachedCopy, dir: string | undefined): Promise<string | undefined> {
  if (dir === undefined) return undefined;
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const path = diskPath(copy.url, dir);
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(copy), { mode: 0o600 });
    await rename(temp, path);
    return undefined;
  } catch (e: unknown) {
    return (e as NodeJS.ErrnoException).code ?? String(e);
  }
}
