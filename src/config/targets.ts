// Target expressions (`web[01-04].x,$cache,@hosts.txt,$colo.east&$frontend,!web03.x`) → an ordered host list.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { NamespaceConfig } from '../model/config.ts';
import { PogoError } from '../model/errors.ts';
import type { SourcePosition } from '../model/errors.ts';
import { dedupe, intersect } from './collections.ts';
import { DEFAULT_MAX_HOSTS, expandPattern } from './pattern.ts';
import { lookupTag, splitTopLevel } from './tag-ref.ts';

/** Options of {@link resolveTargets}. */
export interface ResolveTargetsOptions {
  /** The namespace config that `$tag` items refer to. */
  readonly config?: NamespaceConfig;
  /** Directory `@file` paths are relative to; default the current directory. */
  readonly baseDir?: string;
  /** Most hosts one pattern may name; default 1,000,000. */
  readonly maxHosts?: number;
}

interface Context {
  readonly config: NamespaceConfig | undefined;
  readonly maxHosts: number;
  /** `@file` paths being read, to refuse a file that includes itself. */
  readonly reading: readonly string[];
}

const EXPRESSION_HINT =
  'items are host patterns, $tag, @file, a&b (intersection) or !item (exclusion), separated by commas';
const MAX_FILE_DEPTH = 8;

/**
 * Resolve a target expression: comma-separated items (commas inside `[...]`/`{...}` do not split);
 * an item is `@file` (one item per line, `#` comments), `$tag.path`, or a host pattern; `a&b` intersects;
 * `!item` removes its hosts from the union of the other items. First appearance order, no duplicates.
 * Nothing left → TARGETS_EMPTY.
 */
export async function resolveTargets(expr: string, options: ResolveTargetsOptions = {}): Promise<string[]> {
  const context: Context = {
    config: options.config,
    maxHosts: options.maxHosts ?? DEFAULT_MAX_HOSTS,
    reading: [],
  };
  const items = splitTopLevel(expr, ',').map((text) => ({ text }));
  const hosts = await resolveItems(items, resolve(options.baseDir ?? process.cwd()), context);
  if (hosts.length === 0) {
    throw new PogoError('TARGETS_EMPTY', `the targets "${expr}" name no hosts`, {
      hint: 'check the tags and exclusions (!item) of the expression',
    });
  }
  return hosts;
}

/** One comma-separated item and, for items read from an @file, where it was written. */
interface Item {
  readonly text: string;
  readonly position?: SourcePosition | undefined;
}

/** Union of the plain items minus the hosts of the `!items`, first appearance first. */
async function resolveItems(items: readonly Item[], baseDir: string, context: Context): Promise<string[]> {
  const included: string[] = [];
  const excluded = new Set<string>();
  for (const { text, position } of items) {
    if (text === '') continue;
    const negated = text.startsWith('!');
    const hosts = await resolveItem(negated ? text.slice(1).trim() : text, baseDir, context, position);
    if (negated) for (const host of hosts) excluded.add(host);
    else included.push(...hosts);
  }
  return dedupe(included).filter((host) => !excluded.has(host));
}

async function resolveItem(
  item: string,
  baseDir: string,
  context: Context,
  position: SourcePosition | undefined,
): Promise<string[]> {
  const lists: string[][] = [];
  for (const term of splitTopLevel(item, '&')) {
    if (term === '') {
      throw new PogoError('TARGETS_BAD_EXPRESSION', `empty term in target item "${item}"`, {
        position,
        hint: EXPRESSION_HINT,
      });
    }
    lists.push(await resolveTerm(term, baseDir, context, position));
  }
  return intersect(lists[0] ?? [], lists.slice(1));
}

async function resolveTerm(
  term: string,
  baseDir: string,
  context: Context,
  position: SourcePosition | undefined,
): Promise<string[]> {
  if (term.startsWith('@')) return readTargetsFile(resolve(baseDir, term.slice(1)), context, position);
  if (term.startsWith('$')) {
    if (!context.config) {
      throw new PogoError('TARGETS_BAD_EXPRESSION', `${term} needs a namespace config to look the tag up`, {
        position,
        hint: 'pass a config (--config FILE or a namespace), or name the hosts',
      });
    }
    return [...lookupTag(context.config.tags, term, position)];
  }
  try {
    return expandPattern(term, { maxHosts: context.maxHosts });
  } catch (e: unknown) {
    if (!(e instanceof PogoError)) throw e;
    throw new PogoError(e.code, `target "${term}": ${e.message}`, { cause: e, position, hint: e.hint });
  }
}

async function readTargetsFile(
  path: string,
  context: Context,
  from: SourcePosition | undefined,
): Promise<string[]> {
  if (context.reading.includes(path) || context.reading.length >= MAX_FILE_DEPTH) {
    throw new PogoError('TARGETS_BAD_EXPRESSION', `@${path} includes itself (or @files nest too deep)`, {
      position: from,
      hint: 'remove the @file line that points back',
    });
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e: unknown) {
    throw new PogoError(
      'TARGETS_BAD_EXPRESSION',
      `cannot read targets file ${path}: ${(e as Error).message}`,
      {
        cause: e,
        position: from,
        hint: 'relative @file paths start at the base directory (the current directory by default)',
      },
    );
  }
  const items = text.split(/\r?\n/).flatMap((raw, index) => {
    const line = raw.replace(/#.*$/, '');
    const column = line.length - line.trimStart().length + 1;
    return splitTopLevel(line, ',').map((item) => ({
      text: item,
      position: { file: path, line: index + 1, column },
    }));
  });
  return resolveItems(items, dirname(path), { ...context, reading: [...context.reading, path] });
}
