// Host-key verification against known_hosts files: match, mismatch (file:line), unknown, accept-new appends.
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PogoError } from '../model/errors.ts';
import { entryNames, fingerprint, keyBlobType, knownHostsLine, parseKnownHosts } from './known-hosts-file.ts';
import type { KnownHostEntry } from './known-hosts-file.ts';
import type { StrictHostKeyChecking } from './ssh-config.ts';

/** What to check a server's key against. */
export interface HostKeyCheck {
  /** The name the key is filed under (see `knownHostsName`). */
  readonly name: string;
  /** known_hosts files, in order; accept-new appends to the first. */
  readonly files: readonly string[];
  readonly policy: StrictHostKeyChecking;
}

/** `known`: a line matched; `added`: accept-new recorded it; `unchecked`: policy `no`. */
export type HostKeyVerdict = 'known' | 'added' | 'unchecked';

type Lookup =
  | { readonly kind: 'known' }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'mismatch' | 'revoked'; readonly entry: KnownHostEntry };

interface CachedFile {
  readonly mtimeMs: number;
  readonly size: number;
  readonly entries: readonly KnownHostEntry[];
}

/** Appends to one file wait for each other in this process (hosts connecting at once write one at a time). */
const appendLocks = new Map<string, Promise<void>>();

/** Reads known_hosts files (cached until they change) and verifies server keys. One per transport. */
export class KnownHosts {
  private readonly cache = new Map<string, CachedFile>();

  /** Key types recorded for `name` (so a client can prefer algorithms whose key it can check). */
  async keyTypes(name: string, files: readonly string[]): Promise<string[]> {
    const types = new Set<string>();
    for (const file of files) {
      for (const e of await this.entries(file)) {
        if (e.marker === undefined && entryNames(e, name)) types.add(e.keyType);
      }
    }
    return [...types];
  }

  /** Check `key` (an SSH public key blob) for `check.name`; throws SSH_HOSTKEY_MISMATCH or SSH_HOSTKEY_UNKNOWN. */
  async verify(check: HostKeyCheck, key: Buffer): Promise<HostKeyVerdict> {
    if (check.policy === 'no') return 'unchecked';
    const found = await this.lookup(check, key);
    if (found.kind === 'known') return 'known';
    if (found.kind !== 'unknown') throw mismatchError(check.name, key, found.kind, found.entry);
    const target = check.files[0];
    if (check.policy !== 'accept-new' || target === undefined) throw unknownError(check, key);
    return withAppendLock(target, async () => {
      // Another connection may have recorded this host while this one waited.
      this.cache.delete(target);
      const again = await this.lookup(check, key);
      if (again.kind === 'known') return 'known';
      if (again.kind !== 'unknown') throw mismatchError(check.name, key, again.kind, again.entry);
      await appendLine(target, knownHostsLine(check.name, key));
      this.cache.delete(target);
      return 'added';
    });
  }

  private async lookup(check: HostKeyCheck, key: Buffer): Promise<Lookup> {
    let known = false;
    let other: KnownHostEntry | undefined;
    for (const file of check.files) {
      for (const e of await this.entries(file)) {
        if (!entryNames(e, check.name)) continue;
        const same = e.key.equals(key);
        if (e.marker === 'revoked') {
          if (same) return { kind: 'revoked', entry: e };
        } else if (same) {
          known = true;
        } else {
          other ??= e;
        }
      }
    }
    if (known) return { kind: 'known' };
    return other ? { kind: 'mismatch', entry: other } : { kind: 'unknown' };
  }

  private async entries(file: string): Promise<readonly KnownHostEntry[]> {
    const info = await stat(file).catch(() => undefined);
    if (!info) return [];
    const cached = this.cache.get(file);
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached.entries;
    const text = await readFile(file, 'utf8').catch(() => '');
    const entries = parseKnownHosts(text, file);
    this.cache.set(file, { mtimeMs: info.mtimeMs, size: info.size, entries });
    return entries;
  }
}

async function withAppendLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const previous = appendLocks.get(file) ?? Promise.resolve();
  let release = (): void => undefined;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const chain = previous.then(() => mine);
  appendLocks.set(file, chain);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    if (appendLocks.get(file) === chain) appendLocks.delete(file);
  }
}

/** Append one line in a single write (O_APPEND), after a newline if the file lacks a final one. */
async function appendLine(file: string, line: string): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const current = await readFile(file).catch(() => Buffer.alloc(0));
    const lead = current.length > 0 && current[current.length - 1] !== 0x0a ? '\n' : '';
    await appendFile(file, lead + line, { mode: 0o600 });
  } catch (e: unknown) {
    throw new PogoError('SSH_KNOWN_HOSTS_UNWRITABLE', `cannot record a new host key in ${file}`, {
      cause: e,
      hint: 'check that the file and its directory are writable',
    });
  }
}

function offered(key: Buffer): string {
  return `${keyBlobType(key) ?? 'unknown'} ${fingerprint(key)}`;
}

function mismatchError(
  name: string,
  key: Buffer,
  kind: 'mismatch' | 'revoked',
  e: KnownHostEntry,
): PogoError {
  const where = `${e.file}:${e.line}`;
  if (kind === 'revoked') {
    return new PogoError('SSH_HOSTKEY_MISMATCH', `host key of ${name} is revoked (@revoked in ${where})`, {
      hint: 'the server offers a key marked as revoked; do not connect until it has a new key',
    });
  }
  return new PogoError(
    'SSH_HOSTKEY_MISMATCH',
    `host key of ${name} does not match ${where} (the server offers ${offered(key)})`,
    { hint: `if the host was re-installed, remove the old key: ssh-keygen -R '${name}' -f ${e.file}` },
  );
}

function unknownError(check: HostKeyCheck, key: Buffer): PogoError {
  const files = check.files.length > 0 ? check.files.join(', ') : 'no known_hosts file';
  return new PogoError(
    'SSH_HOSTKEY_UNKNOWN',
    `host key of ${check.name} is not in ${files} (the server offers ${offered(key)})`,
    { hint: 'check the fingerprint and add the key (ssh-keyscan), or accept new hosts with --accept-new' },
  );
}
