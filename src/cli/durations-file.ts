// Reads a `--durations` file: a JSON or YAML map host → duration (`30s` or seconds), with an optional `default`.
import { readFile } from 'node:fs/promises';
import { LineCounter, isMap, isScalar, parseDocument } from 'yaml';
import type { Node } from 'yaml';
import type { SourcePosition } from '../model/index.ts';
import { PogoError } from '../model/index.ts';
import { parseDuration } from './duration.ts';

const FLAG = '--durations';

/** Per-host durations in ms, and the file's `default` if it has one. */
export interface DurationTable {
  readonly byHost: ReadonlyMap<string, number>;
  readonly defaultMs: number | undefined;
}

/** Load and validate `path`; every problem is a USAGE error with the file, line and column. */
export async function loadDurationsFile(path: string): Promise<DurationTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e: unknown) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(e);
    throw new PogoError('USAGE', `${FLAG}: cannot read ${path}: ${why}`, { cause: e });
  }
  return parseDurations(text, path);
}

/** Parse the text of a durations file (YAML, which includes JSON). */
export function parseDurations(text: string, file: string): DurationTable {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const at = (offset: number): SourcePosition => {
    const p = lines.linePos(offset);
    return { file, line: p.line, column: p.col };
  };
  const first = doc.errors[0];
  if (first) {
    const message = (first.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw new PogoError('USAGE', `not a valid durations file: ${message}`, {
      position: at(first.pos[0]),
      hint: `${FLAG} takes JSON or YAML like {"default": "10s", "web01": "30s"}`,
    });
  }
  const byHost = new Map<string, number>();
  let defaultMs: number | undefined;
  if (doc.contents === null) return { byHost, defaultMs };
  if (!isMap(doc.contents)) {
    throw new PogoError('USAGE', 'a durations file is a map of host: duration', {
      position: at(doc.contents.range?.[0] ?? 0),
      hint: 'write lines like "web01: 30s" and "default: 10s"',
    });
  }
  for (const pair of doc.contents.items) {
    const key = pair.key as Node | null;
    const host = isScalar(key) ? String(key.value) : undefined;
    if (host === undefined || host === '') {
      throw new PogoError('USAGE', 'durations file keys must be host names', {
        position: at(key?.range?.[0] ?? 0),
      });
    }
    const node = pair.value as Node | null;
    const ms = durationOf(isScalar(node) ? node.value : undefined);
    if (ms === undefined) {
      throw new PogoError('USAGE', `${host}: not a duration`, {
        position: at(node?.range?.[0] ?? key?.range?.[0] ?? 0),
        hint: 'write a duration like 500ms, 30s, 2m, or a number of seconds',
      });
    }
    if (host === 'default') defaultMs = ms;
    else byHost.set(host, ms);
  }
  return { byHost, defaultMs };
}

/** A string duration, or a non-negative number of seconds. */
function durationOf(value: unknown): number | undefined {
  if (typeof value === 'number')
    return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined;
  return typeof value === 'string' ? parseDuration(value) : undefined;
}
