// Host patterns (`web[01-20].x`, `host[1-3,7]`, `{a,b}`): parsed, counted before expansion, then expanded.
import { PogoError } from '../model/errors.ts';
import { dedupe } from './collections.ts';

/** Default cap on the hosts one pattern may expand to. */
export const DEFAULT_MAX_HOSTS = 1_000_000;

/** Options of {@link expandPattern}. */
export interface ExpandPatternOptions {
  /** Refuse (CONFIG_PATTERN_TOO_LARGE) a pattern naming more hosts than this; default 1,000,000. */
  readonly maxHosts?: number;
}

/** One `lo-hi` item of a `[...]` group (a single value is a range of one). */
interface Range {
  readonly from: number;
  readonly to: number;
  /** Zero-padding width for numbers; 0 = none. */
  readonly width: number;
  /** Letters (`a-c`) rather than numbers. */
  readonly letters: boolean;
}

/** A piece of a pattern: literal text, a `[...]` group, or `{...}` alternatives (each itself a pattern). */
type Segment =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'ranges'; readonly ranges: readonly Range[] }
  | { readonly kind: 'alternatives'; readonly options: readonly (readonly Segment[])[] };

const HINT = 'write ranges as web[01-20] or host[1-3,7] (ascending), and alternatives as {a,b}';
const MAX_DIGITS = 15;

function bad(pattern: string, reason: string, hint = HINT): PogoError {
  return new PogoError('CONFIG_BAD_PATTERN', `bad host pattern "${pattern}": ${reason}`, { hint });
}

/** Recursive-descent parser over one pattern string. */
class PatternParser {
  private i = 0;
  constructor(private readonly pattern: string) {}

  parse(): Segment[] {
    const segments = this.sequence(false);
    if (this.i < this.pattern.length) throw bad(this.pattern, `unexpected "${this.pattern[this.i]}"`);
    return segments;
  }

  /** Segments up to the end, or (inside braces) up to the next `,` or `}`. */
  private sequence(inBraces: boolean): Segment[] {
    const p = this.pattern;
    const out: Segment[] = [];
    let text = '';
    while (this.i < p.length) {
      const c = p[this.i] ?? '';
      if (inBraces && (c === ',' || c === '}')) break;
      if (c === '[' || c === '{') {
        if (text) out.push({ kind: 'text', text });
        text = '';
        out.push(c === '[' ? this.ranges() : this.alternatives());
        continue;
      }
      if (c === ']' || c === '}') throw bad(p, `unbalanced "${c}" at position ${this.i + 1}`);
      if (c === ',') throw bad(p, 'a comma outside [...] or {...}', 'write one host pattern per list item');
      if (/\s/.test(c)) throw bad(p, 'host names cannot contain spaces');
      if (c === '$')
        throw bad(p, '"$" is not allowed in a host name', 'tag references ($tag) belong in sequences');
      text += c;
      this.i += 1;
    }
    if (text) out.push({ kind: 'text', text });
    return out;
  }

  private alternatives(): Segment {
    const start = this.i;
    this.i += 1; // '{'
    const options: Segment[][] = [];
    for (;;) {
      options.push(this.sequence(true));
      const c = this.pattern[this.i];
      this.i += 1;
      if (c === '}') break;
      if (c !== ',') throw bad(this.pattern, `unbalanced "{" at position ${start + 1}`);
    }
    if (options.length === 1 && options[0]?.length === 0) throw bad(this.pattern, 'empty {}');
    return { kind: 'alternatives', options };
  }

  private ranges(): Segment {
    const p = this.pattern;
    const end = p.indexOf(']', this.i);
    if (end < 0) throw bad(p, `unbalanced "[" at position ${this.i + 1}`);
    const body = p.slice(this.i + 1, end);
    if (/[[{}]/.test(body)) throw bad(p, 'groups cannot be nested inside [...]');
    this.i = end + 1;
    return { kind: 'ranges', ranges: body.split(',').map((item) => this.range(item.trim())) };
  }

  private range(item: string): Range {
    const p = this.pattern;
    if (item === '') throw bad(p, 'empty range');
    const parts = item.split('-');
    if (parts.length > 2) throw bad(p, `"${item}" is not a range`);
    const lo = parts[0] ?? '';
    const hi = parts[1] ?? lo;
    if (lo === '' || hi === '') throw bad(p, `empty range "${item}"`);
    if (/^\d+$/.test(lo) && /^\d+$/.test(hi)) {
      if (lo.length > MAX_DIGITS || hi.length > MAX_DIGITS) throw bad(p, `number too long in "${item}"`);
      const from = Number(lo);
      const to = Number(hi);
      if (from > to) throw bad(p, `descending range "${item}"`);
      const padded = (s: string): number => (s.length > 1 && s.startsWith('0') ? s.length : 0);
      return {
        from,
        to,
        width: parts.length === 1 ? lo.length : Math.max(padded(lo), padded(hi)),
        letters: false,
      };
    }
    const letter = /^[a-z]$|^[A-Z]$/;
    if (letter.test(lo) && letter.test(hi) && lo <= 'Z' === hi <= 'Z') {
      const from = lo.charCodeAt(0);
      const to = hi.charCodeAt(0);
      if (from > to) throw bad(p, `descending range "${item}"`);
      return { from, to, width: 0, letters: true };
    }
    throw bad(p, `non-numeric range "${item}"`);
  }
}

function countSegments(segments: readonly Segment[]): number {
  let total = 1;
  for (const s of segments) {
    if (s.kind === 'ranges') total *= s.ranges.reduce((n, r) => n + (r.to - r.from + 1), 0);
    else if (s.kind === 'alternatives') total *= s.options.reduce((n, o) => n + countSegments(o), 0);
  }
  return total;
}

function segmentValues(segment: Segment): string[] {
  if (segment.kind === 'text') return [segment.text];
  if (segment.kind === 'alternatives') return segment.options.flatMap((o) => expandSegments(o));
  const values: string[] = [];
  for (const r of segment.ranges) {
    for (let v = r.from; v <= r.to; v += 1) {
      values.push(r.letters ? String.fromCharCode(v) : String(v).padStart(r.width, '0'));
    }
  }
  return values;
}

/** Cartesian product, left to right: the leftmost group varies slowest. */
function expandSegments(segments: readonly Segment[]): string[] {
  let names = [''];
  for (const segment of segments) {
    const values = segmentValues(segment);
    names = names.flatMap((prefix) => values.map((v) => prefix + v));
  }
  return names;
}

/**
 * How many names `pattern` produces, counted without expanding it (repeats included).
 * Throws CONFIG_BAD_PATTERN when the pattern is malformed.
 */
export function countPattern(pattern: string): number {
  if (pattern === '') throw bad(pattern, 'empty pattern');
  return countSegments(new PatternParser(pattern).parse());
}

/**
 * Expand a host pattern into host names, de-duplicated, first occurrence first.
 * `web[01-03]` → web01, web02, web03; `h[1-2,7]` → h1, h2, h7; `{a,b}.x` → a.x, b.x; groups combine
 * as a cartesian product, left to right. Throws CONFIG_BAD_PATTERN when malformed and
 * CONFIG_PATTERN_TOO_LARGE (before expanding) when it would name more than `maxHosts` hosts.
 */
export function expandPattern(pattern: string, options: ExpandPatternOptions = {}): string[] {
  if (pattern === '') throw bad(pattern, 'empty pattern');
  const segments = new PatternParser(pattern).parse();
  const maxHosts = options.maxHosts ?? DEFAULT_MAX_HOSTS;
  const count = countSegments(segments);
  if (count > maxHosts) {
    throw new PogoError(
      'CONFIG_PATTERN_TOO_LARGE',
      `host pattern "${pattern}" names ${count} hosts, more than the limit of ${maxHosts}`,
      { hint: 'check the range bounds for a typo, or split the pattern' },
    );
  }
  return dedupe(expandSegments(segments));
}
