// Target expressions (`web[01-04].x $cache @hosts.txt $colo.east&$frontend !web03.x`) → an ordered host list.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { NamespaceConfig } from '../model/config.ts';
import { PogoError } from '../model/errors.ts';
import type { SourcePosition } from '../model/errors.ts';
import { dedupe, intersect } from './collections.ts';
import { DEFAULT_MAX_HOSTS, expandPattern } from './pattern.ts';
import { lookupTag } from './tag-ref.ts';
import { parseTargetExpression } from './target-expression.ts';
import type { TargetItem, TargetTerm } from './target-expression.ts';

/** Options of {@link resolveTargets}. */
export interface ResolveTargetsOptions {
  /** The namespace config that `$tag` items refer to. */
  readonly config?: NamespaceConfig;
  /** Directory `@file` paths are relative to; default the current directory. */
  readonly baseDir?: string;
  /** Most hosts one pattern may name; default 1,000,000. */
  readonly maxHosts?: number;
  /** Refuse `@file` terms (a server cannot read the client's files); default false. */
  readonly noFiles?: boolean;
}

interface Context {
  readonly config: NamespaceConfig | undefined;
  readonly maxHosts: number;
  readonly noFiles: boolean;
  /** `@file` paths being read, to refuse a file that includes itself. */
  readonly reading: readonly string[];
}

const MAX_FILE_DEPTH = 8;

/**
 * Resolve a target expression: items separated by commas or spaces (see parseTargetExpression); a term is
 * `@file` (items on each line, `#` comments), `$tag.path`, or a host pattern; `a & b` intersects; `!item`
 * removes its hosts from the union of the other items. First appearance order, no duplicates.
 * Nothing left → TARGETS_EMPTY.
 */
export async function resolveTargets(expr: string, options: ResolveTargetsOptions = {}): Promise<string[]> {
  const context: Context = {
    config: options.config,
    maxHosts: options.maxHosts ?? DEFAULT_MAX_HOSTS,
    noFiles: options.noFiles ?? false,
    reading: [],
  };
  const items = parseTargetExpression(expr).map((item) => ({ item }));
  const hosts = await resolveItems(items, resolve(options.baseDir ?? process.cwd()), context);
  if (hosts.length === 0) {
    throw new PogoError('TARGETS_EMPTY', `the targets "${expr}" name no hosts`, {
      hint: 'check the tags and exclusions (!item) of the expression',
    });
  }
  return hosts;
}

/** One parsed item and, for items read from an @file, where it was written. */
interface Located {
  readonly item: TargetItem;
  readonly position?: SourcePosition | undefined;
}

/** Union of the plain items minus the hosts of the `!items`, first appearance first. */
async function resolveItems(items: readonly Located[], baseDir: string, context: Context): Promise<string[]> {
  const included: string[] = [];
  const excluded = new Set<string>();
  for (const { item, position } of items) {
    const lists: string[][] = [];
    for (const term of item.terms) lists.push(await resolveTerm(term, baseDir, context, position));
    const hosts = intersect(lists[0] ?? [], lists.slice(1));
    if (item.negated) for (const host of hosts) excluded.add(host);
    else included.push(...hosts);
  }
  return dedupe(included).filter((host) => !excluded.has(host));
}

async function resolveTerm(
  { kind, text }: TargetTerm,
  baseDir: string,
  context: Context,
  position: SourcePosition | undefined,
): Promise<string[]> {
  if (kind === 'file') {
    if (context.noFiles) {
      throw new PogoError('TARGETS_BAD_EXPRESSION', `${text}: @file targets are read by the client`, {
        position,
        hint: 'expand them before submitting (pogo run and pogo targets do)',
      });
    }
    return readTargetsFile(resolve(baseDir, text.slice(1)), context, position);
  }
  if (kind === 'tag') {
    if (!context.config) {
      throw new PogoError('TARGETS_BAD_EXPRESSION', `${text} needs a namespace config to look the tag up`, {
        position,
        hint: 'pass a config (--config FILE or a namespace), or name the hosts',
      });
    }
    return [...lookupTag(context.config.tags, text, position)];
  }
  try {
    return expandPattern(text, { maxHosts: context.maxHosts });
  } catch (e: unknown) {
    if (!(e instanceof PogoError)) throw e;
    throw new PogoError(e.code, `target "${text}": ${e.message}`, { cause: e, position, hint: e.hint });
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
    const position = { file: path, line: index + 1, column: line.length - line.trimStart().length + 1 };
    return parseTargetExpression(line, position).map((item) => ({ item, position }));
  });
  return resolveItems(items, dirname(path), { ...context, reading: [...context.reading, path] });
}
