// The syntax of target expressions: items separated by commas or spaces, `a & b` intersections, `!item` exclusions.
import { PogoError } from '../model/errors.ts';
import type { SourcePosition } from '../model/errors.ts';

/** One operand: `@file`, `$tag.path`, or a host pattern. */
export interface TargetTerm {
  readonly kind: 'file' | 'tag' | 'pattern';
  /** As written, with its `@` or `$`. */
  readonly text: string;
}

/** One item: the intersection of its terms; a negated item removes its hosts from the union of the others. */
export interface TargetItem {
  readonly negated: boolean;
  readonly terms: readonly TargetTerm[];
}

/** How items and terms combine, for hints and docs. */
export const EXPRESSION_HINT =
  'items are host patterns, $tag, @file, a&b (intersection) or !item (exclusion), separated by commas or spaces';

type Token =
  | { readonly kind: 'word'; readonly text: string; readonly at: number }
  | { readonly kind: 'amp' | 'comma' | 'space' | 'bang'; readonly at: number };

/**
 * Parse `expr` into items. Commas and runs of spaces separate items (outside `[…]` and `{…}`, where commas
 * belong to the pattern); `&` joins terms into one item and the spaces around it are ignored, as are spaces
 * after a leading `!`. So `$web !web03`, `$web,!web03`, `$frontend & $colo.east` and `$frontend&$colo.east`
 * read as expected. Empty items (`a,,b`) are skipped. A dangling `&` or `!`, or a `!` inside an
 * intersection, is TARGETS_BAD_EXPRESSION at `position` (when the expression came from a file).
 */
export function parseTargetExpression(expr: string, position?: SourcePosition): TargetItem[] {
  const fail = (message: string, at: number): PogoError =>
    new PogoError('TARGETS_BAD_EXPRESSION', `${message} in "${expr}" (at character ${at + 1})`, {
      position,
      hint: EXPRESSION_HINT,
    });
  const tokens = tokenize(expr);
  const items: TargetItem[] = [];
  let i = 0;
  const skipSpaces = (): void => {
    while (tokens[i]?.kind === 'space') i++;
  };
  const term = (): TargetTerm => {
    skipSpaces();
    const t = tokens[i];
    if (t?.kind !== 'word') {
      if (t?.kind === 'bang') throw fail('"!" inside an intersection (exclude a whole item: a&b,!c)', t.at);
      throw fail('an empty term (nothing after "&" or "!")', t?.at ?? expr.length);
    }
    i++;
    const kind = t.text.startsWith('@') ? 'file' : t.text.startsWith('$') ? 'tag' : 'pattern';
    return { kind, text: t.text };
  };
  while (i < tokens.length) {
    const t = tokens[i] as Token;
    if (t.kind === 'comma' || t.kind === 'space') {
      i++;
      continue;
    }
    if (t.kind === 'amp') throw fail('an empty term (nothing before "&")', t.at);
    const negated = t.kind === 'bang';
    if (negated) i++;
    const terms = [term()];
    for (;;) {
      let j = i;
      while (tokens[j]?.kind === 'space') j++;
      if (tokens[j]?.kind !== 'amp') break;
      i = j + 1;
      terms.push(term());
    }
    items.push({ negated, terms });
  }
  return items;
}

/** The canonical text of items: commas between items, `&` between terms (no spaces). */
export function formatTargetItems(items: readonly TargetItem[]): string {
  return items.map((item) => (item.negated ? '!' : '') + item.terms.map((t) => t.text).join('&')).join(',');
}

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  let word = '';
  let start = 0;
  const flush = (): void => {
    if (word === '') return;
    if (word.startsWith('!')) {
      tokens.push({ kind: 'bang', at: start });
      const rest = word.slice(1);
      if (rest !== '') tokens.push({ kind: 'word', text: rest, at: start + 1 });
    } else tokens.push({ kind: 'word', text: word, at: start });
    word = '';
  };
  for (let i = 0; i < expr.length; i++) {
    const c = expr.charAt(i);
    if (c === '[' || c === '{') depth++;
    else if ((c === ']' || c === '}') && depth > 0) depth--;
    const top = depth === 0 && c !== ']' && c !== '}';
    if (top && (c === ',' || c === '&' || /\s/.test(c))) {
      flush();
      const kind = c === ',' ? 'comma' : c === '&' ? 'amp' : 'space';
      const last = tokens.at(-1);
      if (!(kind === 'space' && last?.kind === 'space')) tokens.push({ kind, at: i });
      continue;
    }
    if (word === '') start = i;
    word += c;
  }
  flush();
  return tokens;
}
