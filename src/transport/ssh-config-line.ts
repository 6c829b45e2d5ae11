// Splits one ssh_config line into its keyword and arguments (`Key value`, `Key=value`, "quoted", # comments).

/** A word of a config line and its 1-based column. */
export interface ConfigToken {
  readonly text: string;
  readonly column: number;
}

/** A keyword line. */
export interface ConfigLine {
  readonly keyword: ConfigToken;
  readonly args: readonly ConfigToken[];
}

const SPACE = /[ \t]/;

/** The keyword and arguments of `line`; null for blank and comment lines; a message for a malformed line. */
export function tokenizeConfigLine(line: string): ConfigLine | null | string {
  let i = 0;
  const skipSpace = (): void => {
    while (i < line.length && SPACE.test(line[i] ?? '')) i++;
  };
  skipSpace();
  if (i >= line.length || line[i] === '#') return null;
  const kwStart = i;
  while (i < line.length && !SPACE.test(line[i] ?? '') && line[i] !== '=') i++;
  const keyword = { text: line.slice(kwStart, i), column: kwStart + 1 };
  skipSpace();
  if (line[i] === '=') {
    i++;
    skipSpace();
  }
  const args: ConfigToken[] = [];
  while (i < line.length) {
    const start = i;
    if (line[i] === '#') break;
    if (line[i] === '"') {
      const end = line.indexOf('"', i + 1);
      if (end < 0) return `unterminated quote in ${keyword.text}`;
      args.push({ text: line.slice(i + 1, end), column: start + 1 });
      i = end + 1;
    } else {
      while (i < line.length && !SPACE.test(line[i] ?? '')) i++;
      args.push({ text: line.slice(start, i), column: start + 1 });
    }
    skipSpace();
  }
  return { keyword, args };
}
