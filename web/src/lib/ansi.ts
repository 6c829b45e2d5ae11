// ANSI SGR escape sequences (colours, bold, underline) → styled text spans; every other escape is dropped.

/** A run of text with one style. */
export interface AnsiSpan {
  readonly text: string;
  readonly fg?: string;
  readonly bg?: string;
  readonly bold?: boolean;
  readonly dim?: boolean;
  readonly italic?: boolean;
  readonly underline?: boolean;
}

const BASIC = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'] as const;

interface Style {
  fg?: string;
  bg?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
}

/** A CSS colour for 256-colour index `n`. */
function color256(n: number): string {
  if (n < 8) return `var(--ansi-${BASIC[n]})`;
  if (n < 16) return `var(--ansi-bright-${BASIC[n - 8]})`;
  if (n < 232) {
    const i = n - 16;
    const c = (v: number): number => (v === 0 ? 0 : 55 + v * 40);
    return `rgb(${c(Math.floor(i / 36))},${c(Math.floor(i / 6) % 6)},${c(i % 6)})`;
  }
  const g = 8 + (n - 232) * 10;
  return `rgb(${g},${g},${g})`;
}

/** Apply one SGR parameter list to `style` (returns the new style). */
function applySgr(style: Style, params: number[]): Style {
  let s: Style = { ...style };
  for (let i = 0; i < params.length; i++) {
    const p = params[i] ?? 0;
    if (p === 0) s = {};
    else if (p === 1) s.bold = true;
    else if (p === 2) s.dim = true;
    else if (p === 3) s.italic = true;
    else if (p === 4) s.underline = true;
    else if (p === 22) s.bold = s.dim = false;
    else if (p === 23) s.italic = false;
    else if (p === 24) s.underline = false;
    else if (p >= 30 && p <= 37) s.fg = `var(--ansi-${BASIC[p - 30]})`;
    else if (p >= 90 && p <= 97) s.fg = `var(--ansi-bright-${BASIC[p - 90]})`;
    else if (p >= 40 && p <= 47) s.bg = `var(--ansi-${BASIC[p - 40]})`;
    else if (p >= 100 && p <= 107) s.bg = `var(--ansi-bright-${BASIC[p - 100]})`;
    else if (p === 39) delete s.fg;
    else if (p === 49) delete s.bg;
    else if ((p === 38 || p === 48) && params[i + 1] === 5) {
      const c = color256(params[i + 2] ?? 0);
      if (p === 38) s.fg = c;
      else s.bg = c;
      i += 2;
    } else if ((p === 38 || p === 48) && params[i + 1] === 2) {
      const c = `rgb(${params[i + 2] ?? 0},${params[i + 3] ?? 0},${params[i + 4] ?? 0})`;
      if (p === 38) s.fg = c;
      else s.bg = c;
      i += 4;
    }
  }
  return s;
}

// CSI sequences (ESC [ … final byte) and OSC sequences (ESC ] … BEL or ESC \).
// eslint-disable-next-line no-control-regex
const ESCAPE = /\u001b\[([0-9;?]*)([@-~])|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]?/g;

/**
 * Split `text` into spans. `carry` is the style at the start (output arrives in chunks; a colour set in one
 * chunk holds in the next); the style at the end is returned with the spans.
 */
export function parseAnsi(text: string, carry: Style = {}): { spans: AnsiSpan[]; style: Style } {
  const spans: AnsiSpan[] = [];
  let style = carry;
  let last = 0;
  for (const m of text.matchAll(ESCAPE)) {
    const at = m.index;
    if (at > last) spans.push({ text: text.slice(last, at), ...style });
    last = at + m[0].length;
    if (m[2] === 'm') {
      const params = (m[1] ?? '').split(';').map((p) => (p === '' ? 0 : Number(p)));
      style = applySgr(style, params);
    }
  }
  if (last < text.length) spans.push({ text: text.slice(last), ...style });
  return { spans, style };
}

/** `text` without any escape sequence (for search and copying). */
export function stripAnsi(text: string): string {
  return text.replace(ESCAPE, '');
}
