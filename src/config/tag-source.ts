// External tag sources: a tag value `command …`, `ansible PATH` or `http URL …` → the inventory it yields.
import { PogoError } from '../model/errors.ts';
import type { SourcePosition } from '../model/errors.ts';
import { loadAnsibleSource } from './ansible-source.ts';
import { loadCommandSource } from './command-source.ts';
import { commandWords } from './command-words.ts';
import { loadHttpSource, parseHttpSource } from './http-source.ts';
import type { HttpSourceSpec } from './http-source.ts';
import type { Inventory } from './inventory.ts';

export { MAX_TAG_SOURCE_OUTPUT_BYTES } from './command-source.ts';

/** Default time an external tag source's program may run. */
export const DEFAULT_TAG_SOURCE_TIMEOUT_MS = 30_000;

/** A tag value that names an external source. */
export type TagSourceSpec =
  | { readonly kind: 'command'; readonly command: string }
  | { readonly kind: 'ansible'; readonly path: string }
  | ({ readonly kind: 'http' } & HttpSourceSpec);

/** How to load sources: where programs run and relative paths start, time limits, the HTTP cache. */
export interface TagSourceOptions {
  readonly cwd: string;
  readonly timeoutMs: number;
  readonly position: SourcePosition;
  readonly signal?: AbortSignal | undefined;
  readonly cacheDir?: string | undefined;
  readonly httpMaxBytes?: number | undefined;
  readonly warn: (message: string) => void;
}

const SOURCE_VALUE = /^(command|ansible|http)\s+(\S.*)$/s;

/** The kind and the rest of a tag value that names a source (`command …`, `ansible …`, `http …`), else undefined. */
export function tagSourceKind(
  value: string,
): { readonly kind: TagSourceSpec['kind']; readonly rest: string } | undefined {
  const m = SOURCE_VALUE.exec(value);
  if (!m) return undefined;
  return { kind: m[1] as TagSourceSpec['kind'], rest: (m[2] ?? '').trim() };
}

/** The source a tag value names, undefined for a host pattern; a malformed source → CONFIG_TAG_SOURCE_FAILED. */
export function parseTagSource(value: string, position: SourcePosition): TagSourceSpec | undefined {
  const found = tagSourceKind(value);
  if (!found) return undefined;
  const { kind, rest } = found;
  if (kind === 'command') return { kind, command: rest };
  // URLs hold `?`, `&` and `#`, which commandWords (a shell's view) refuses: they split at spaces only.
  const words = kind === 'http' ? rest.split(/\s+/) : commandWords(rest, position);
  const fail = (why: string, hint: string): PogoError =>
    new PogoError('CONFIG_TAG_SOURCE_FAILED', `tag source "${kind} ${rest}": ${why}`, { position, hint });
  if (kind === 'ansible') {
    if (words.length !== 1)
      throw fail(
        'expected one path',
        "write ansible ./hosts.ini (quote a path with spaces: ansible 'my hosts.ini')",
      );
    return { kind, path: words[0] as string };
  }
  const spec = parseHttpSource(words);
  if (typeof spec === 'string')
    throw fail(spec, 'write http https://host/inventory.json [timeout=10s] [ttl=1m]');
  return { kind, ...spec };
}

/** A short name of the source for messages: `command ./inv.sh`, `ansible ./hosts.ini`, `http https://…`. */
export function describeTagSource(spec: TagSourceSpec): string {
  if (spec.kind === 'command') return `command ${spec.command}`;
  if (spec.kind === 'ansible') return `ansible ${spec.path}`;
  return `http ${spec.url}`;
}

/** Load the inventory of `spec`; failures are CONFIG_TAG_SOURCE_FAILED (or CONFIG_INVENTORY_INVALID in a file). */
export function loadTagSource(spec: TagSourceSpec, options: TagSourceOptions): Promise<Inventory> {
  switch (spec.kind) {
    case 'command':
      return loadCommandSource(spec.command, options);
    case 'ansible':
      return loadAnsibleSource(spec.path, options);
    case 'http':
      return loadHttpSource(spec, {
        position: options.position,
        cacheDir: options.cacheDir,
        maxBytes: options.httpMaxBytes,
        signal: options.signal,
        warn: options.warn,
      });
  }
}
