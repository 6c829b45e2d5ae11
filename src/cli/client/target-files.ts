// `@file` items of a target expression, expanded on the client: the server cannot read the client's files.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { resolveTargets, splitTopLevel } from '../../config/index.ts';
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
  return expandIn(expr, resolve(baseDir), []);
}

async function expandIn(expr: string, baseDir: string, reading: readonly string[]): Promise<string> {
  if (!expr.includes('@')) return expr;
  const out: string[] = [];
  for (const item of splitTopLevel(expr, ',')) {
    if (item === '') continue;
    const negated = item.startsWith('!');
    const terms = splitTopLevel(negated ? item.slice(1).trim() : item, '&');
    if (!terms.some((t) => t.startsWith('@'))) {
      out.push(item);
      continue;
    }
    const whole = !negated && terms.length === 1;
    const rewritten: string[] = [];
    let empty = false;
    for (const term of terms) {
      if (!term.startsWith('@')) {
        rewritten.push(term);
        continue;
      }
      const file = await expandFile(resolve(baseDir, term.slice(1)), reading);
      if (file.hasTags) {
        if (!whole || file.hasExclusions) throw tagsInPlace(term, item);
        rewritten.push(file.text);
      } else if (file.hosts.length === 0) empty = true;
      else rewritten.push(asPattern(file.hosts));
    }
    // An empty file empties its item: nothing to add, nothing to intersect with, nothing to exclude.
    if (empty) continue;
    out.push((negated ? '!' : '') + rewritten.join('&'));
  }
  if (out.length === 0) {
    throw new PogoError('TARGETS_EMPTY', `the targets "${expr}" name no hosts`, {
      hint: 'the @files are empty or exclude everything they name',
    });
  }
  return out.join(',');
}

interface ExpandedFile {
  /** The file's items with nested @files expanded, joined with commas. */
  readonly text: string;
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
  const items = raw
    .split(/\r?\n/)
    .flatMap((line) => splitTopLevel(line.replace(/#.*$/, ''), ','))
    .filter((item) => item !== '');
  if (items.length === 0) return { text: '', hasTags: false, hasExclusions: false, hosts: [] };
  let text: string;
  try {
    text = await expandIn(items.join(','), dirname(path), [...reading, path]);
  } catch (e: unknown) {
    // Every item of the file was an empty nested @file.
    if (isPogoError(e, 'TARGETS_EMPTY')) return { text: '', hasTags: false, hasExclusions: false, hosts: [] };
    throw e;
  }
  const expanded = splitTopLevel(text, ',');
  const hasTags = text.includes('$');
  const hasExclusions = expanded.some((item) => item.startsWith('!'));
  if (hasTags) return { text, hasTags, hasExclusions, hosts: [] };
  return { text, hasTags, hasExclusions, hosts: await resolveFileHosts(text, path) };
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
