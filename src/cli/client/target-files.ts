// `@file` items of a target expression, expanded on the client: the server cannot read the client's files.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { formatTargetItems, parseTargetExpression, resolveTargets } from '../../config/index.ts';
import type { TargetItem, TargetTerm } from '../../config/index.ts';
import { PogoError, isPogoError } from '../../model/index.ts';

const MAX_FILE_DEPTH = 8;

/**
 * Rewrite `expr` without `@file` terms. A file that names only hosts and patterns is resolved here (its own
 * `!x` and `a&b` apply inside it, as on a server) and replaced by one pattern, `{h1,h2,web[01-03]}`, so the
 * term keeps its place in `!@file` and `a&@file`. A file with `$tag` items needs the namespace config on the
 * server: its items are spliced in, which is exact only where the term is a whole item of its own; anywhere
 * else such a file is refused. Relative paths start at `baseDir`, nested `@file`s at their file's directory.
 */
export async function expandTargetFiles(expr: string, baseDir: string): Promise<string> {
  const items = parseTargetExpression(expr);
  if (!items.some(hasFile)) return expr;
  const out = await expandItems(items, resolve(baseDir), []);
  if (out.length === 0) {
    throw new PogoError('TARGETS_EMPTY', `the targets "${expr}" name no hosts`, {
      hint: 'the @files are empty or exclude everything they name',
    });
  }
  return formatTargetItems(out);
}

function hasFile(item: TargetItem): boolean {
  return item.terms.some((t) => t.kind === 'file');
}

async function expandItems(
  items: readonly TargetItem[],
  baseDir: string,
  reading: readonly string[],
): Promise<TargetItem[]> {
  const out: TargetItem[] = [];
  for (const item of items) {
    if (!hasFile(item)) {
      out.push(item);
      continue;
    }
    const whole = !item.negated && item.terms.length === 1;
    const terms: TargetTerm[] = [];
    let empty = false;
    for (const term of item.terms) {
      if (term.kind !== 'file') {
        terms.push(term);
        continue;
      }
      const file = await expandFile(resolve(baseDir, term.text.slice(1)), reading);
      if (file.hasTags) {
        if (!whole || file.hasExclusions) throw tagsInPlace(term.text, formatTargetItems([item]));
        out.push(...file.items);
      } else if (file.hosts.length === 0) empty = true;
      else terms.push({ kind: 'pattern', text: asPattern(file.hosts) });
    }
    // An empty file empties its item: nothing to add, nothing to intersect with, nothing to exclude.
    if (!empty && terms.length > 0) out.push({ negated: item.negated, terms });
  }
  return out;
}

interface ExpandedFile {
  /** The file's items with nested @files expanded. */
  readonly items: readonly TargetItem[];
  readonly hasTags: boolean;
  /** Some item is a `!x` exclusion. */
  readonly hasExclusions: boolean;
  /** The hosts it names (only when it has no tags). */
  readonly hosts: readonly string[];
}

async function expandFile(path: string, reading: readonly string[]): Promise<ExpandedFile> {
  if (reading.includes(path) || reading.length >= MAX_FILE_DEPTH) {
    throw new PogoError('TARGETS_BAD_EXPRESSION', `@${path} includes itself (or @files nest too deep)`, {
      hint: 'remove the @file line that points back',
    });
  }
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (e: unknown) {
    throw new PogoError(
      'TARGETS_BAD_EXPRESSION',
      `cannot read targets file ${path}: ${(e as Error).message}`,
      {
        cause: e,
        hint: 'relative @file paths start at the current directory',
      },
    );
  }
  const lines = raw.split(/\r?\n/).map((line) => line.replace(/#.*$/, ''));
  const items = await expandItems(
    lines.flatMap((line) => parseTargetExpression(line)),
    dirname(path),
    [...reading, path],
  );
  const none = { items: [], hasTags: false, hasExclusions: false, hosts: [] };
  if (items.length === 0) return none;
  const hasTags = items.some((item) => item.terms.some((t) => t.kind === 'tag'));
  const hasExclusions = items.some((item) => item.negated);
  if (hasTags) return { items, hasTags, hasExclusions, hosts: [] };
  return { items, hasTags, hasExclusions, hosts: await resolveFileHosts(formatTargetItems(items), path) };
}

async function resolveFileHosts(text: string, path: string): Promise<readonly string[]> {
  try {
    return await resolveTargets(text);
  } catch (e: unknown) {
    if (isPogoError(e, 'TARGETS_EMPTY')) return [];
    if (!isPogoError(e)) throw e;
    throw new PogoError(e.code, `@${path}: ${e.message}`, { cause: e, hint: e.hint, position: e.position });
  }
}

function tagsInPlace(term: string, item: string): PogoError {
  return new PogoError(
    'TARGETS_BAD_EXPRESSION',
    `${term} names $tags (resolved by the server) and is used inside "${item}": only a whole item can be sent`,
    {
      hint: 'give the file as an item of its own (-t @file,…) and without !exclusions, or name hosts in it',
    },
  );
}

/**
 * Hosts as one pattern that expands back to them in the same order: runs of consecutive numbers fold into
 * `prefix[a-b]suffix`, and several pieces go in `{…,…}`.
 */
export function asPattern(hosts: readonly string[]): string {
  const pieces = foldRuns(hosts);
  return pieces.length === 1 ? (pieces[0] ?? '') : `{${pieces.join(',')}}`;
}

/** Order-keeping folding: only neighbours `x07`, `x08`, `x09` (same prefix, suffix and width) join. */
export function foldRuns(hosts: readonly string[]): string[] {
  const out: string[] = [];
  let run: { prefix: string; suffix: string; digits: string; from: number; to: number } | undefined;
  const flush = (): void => {
    if (!run) return;
    const pad = (n: number): string => String(n).padStart(run?.digits.length ?? 0, '0');
    out.push(
      run.from === run.to
        ? `${run.prefix}${run.digits}${run.suffix}`
        : `${run.prefix}[${pad(run.from)}-${pad(run.to)}]${run.suffix}`,
    );
    run = undefined;
  };
  for (const host of hosts) {
    const m = /^(.*?)(\d+)(\D*)$/.exec(host);
    if (!m) {
      flush();
      out.push(host);
      continue;
    }
    const [, prefix = '', digits = '', suffix = ''] = m;
    const n = Number(digits);
    const joins =
      run !== undefined &&
      run.prefix === prefix &&
      run.suffix === suffix &&
      run.digits.length === digits.length &&
      n === run.to + 1 &&
      String(n).padStart(digits.length, '0') === digits;
    if (joins && run) run.to = n;
    else {
      flush();
      run = { prefix, suffix, digits, from: n, to: n };
    }
  }
  flush();
  return out;
}
