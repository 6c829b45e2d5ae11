// Box tables in the seed's style (Text::ASCIITable): a title bar, a header, rows of possibly multi-line cells.

/** A cell: one line, or several stacked lines. */
export type BoxCell = string | readonly string[];

/** A table to draw. Every row has one cell per header column (missing cells are blank). */
export interface BoxTable {
  readonly title?: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly BoxCell[])[];
  /** Column indices to right-align (numbers). */
  readonly alignRight?: readonly number[];
}

/**
 * Render `table` as text, ending with a newline:
 *
 * ```text
 * .------------------------.
 * |        Schedule        |
 * +--------+---------------+
 * | Thread | slot-1        |
 * +--------+---------------+
 * | foo    | [foo.$a]      |
 * |        | host1, host2  |
 * '--------+---------------'
 * ```
 */
export function renderBoxTable(table: BoxTable): string {
  const cols = table.header.length;
  const rows = table.rows.map((row) => Array.from({ length: cols }, (_, c) => linesOf(row[c])));
  const widths = table.header.map((h, c) => Math.max(width(h), ...rows.map((r) => maxWidth(r[c] ?? []))));
  const title = table.title ?? '';
  const inner = (): number => widths.reduce((a, b) => a + b, 0) + 3 * (cols - 1) + 2;
  const last = cols - 1;
  if (width(title) + 2 > inner()) widths[last] = (widths[last] ?? 0) + width(title) + 2 - inner();
  const right = new Set(table.alignRight ?? []);
  const rule = (corner: string, join: string): string =>
    corner + widths.map((w) => '-'.repeat(w + 2)).join(join) + corner;
  const line = (cells: readonly string[]): string =>
    '| ' + widths.map((w, c) => pad(cells[c] ?? '', w, right.has(c))).join(' | ') + ' |';

  const out: string[] = [];
  if (table.title !== undefined) {
    out.push('.' + '-'.repeat(inner()) + '.', '|' + center(title, inner()) + '|', rule('+', '+'));
  } else {
    out.push(rule('.', '-'));
  }
  out.push(line(table.header), rule('+', '+'));
  for (const row of rows) {
    const height = Math.max(1, ...row.map((cell) => cell.length));
    for (let k = 0; k < height; k++) out.push(line(row.map((cell) => cell[k] ?? '')));
  }
  out.push("'" + widths.map((w) => '-'.repeat(w + 2)).join('+') + "'");
  return out.join('\n') + '\n';
}

/**
 * `items` joined with `, ` and broken into lines of at most `maxWidth` characters (a longer single item
 * gets a line of its own); continued lines end with a comma.
 */
export function wrapList(items: readonly string[], maxWidth: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const item of items) {
    if (current === '') current = item;
    else if (width(current) + 2 + width(item) <= maxWidth) current += `, ${item}`;
    else {
      lines.push(current + ',');
      current = item;
    }
  }
  if (current !== '' || lines.length === 0) lines.push(current);
  return lines;
}

function linesOf(cell: BoxCell | undefined): readonly string[] {
  if (cell === undefined) return [''];
  return typeof cell === 'string' ? [cell] : cell;
}

/** Display width: code points (host names and labels are ASCII or single-width symbols like ∩). */
function width(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function maxWidth(lines: readonly string[]): number {
  return lines.reduce((m, l) => Math.max(m, width(l)), 0);
}

function pad(s: string, w: number, alignRight: boolean): string {
  const fill = ' '.repeat(Math.max(0, w - width(s)));
  return alignRight ? fill + s : s + fill;
}

function center(s: string, w: number): string {
  const left = Math.floor((w - width(s)) / 2);
  return ' '.repeat(left) + s + ' '.repeat(w - width(s) - left);
}
