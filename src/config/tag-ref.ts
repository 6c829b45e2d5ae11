// `$tag.path` references and `a&b` intersections: splitting terms, looking tags up, hinting at near names.
import { PogoError } from '../model/errors.ts';
import type { SourcePosition } from '../model/errors.ts';
import { suggestionHint } from './suggest.ts';

/** Tag path → hosts, as in NamespaceConfig.tags. */
export type TagHosts = ReadonlyMap<string, readonly string[]>;

/**
 * The terms of an intersection: `$a&$b` and the original's `$a.$b` form (a scoped-sequence label)
 * both give `['$a', '$b']`. Splitting happens only outside `[...]` and `{...}`.
 */
export function splitIntersection(text: string): string[] {
  return splitTopLevel(text, '&').flatMap((term) => term.split(/\.(?=\$)/));
}

/** Split at `separator` characters that are not inside `[...]` or `{...}`; pieces are trimmed. */
export function splitTopLevel(text: string, separator: string): string[] {
  const pieces: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of text) {
    if (c === '[' || c === '{') depth += 1;
    else if ((c === ']' || c === '}') && depth > 0) depth -= 1;
    if (c === separator && depth === 0) {
      pieces.push(current.trim());
      current = '';
    } else current += c;
  }
  pieces.push(current.trim());
  return pieces;
}

/** Hosts of the tag `$path` (the `$` optional); CONFIG_UNKNOWN_TAG with a near-name hint when unknown. */
export function lookupTag(tags: TagHosts, ref: string, position?: SourcePosition): readonly string[] {
  const path = ref.startsWith('$') ? ref.slice(1) : ref;
  const hosts = tags.get(path);
  if (hosts) return hosts;
  throw new PogoError('CONFIG_UNKNOWN_TAG', `unknown tag $${path}`, {
    position,
    hint: suggestionHint(path, [...tags.keys()], (c) => `$${c}`),
  });
}
