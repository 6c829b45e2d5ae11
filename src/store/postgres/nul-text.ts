// PostgreSQL text and JSONB cannot hold NUL (SQLite can): it is stored as U+FFFD, one rule for every statement.

const NUL = '\u0000';
const REPLACEMENT = '\uFFFD';
/** `\u0000` in JSON text that escapes a NUL (not a literal backslash: an even run of backslashes before it). */
const JSON_NUL = /(?<!\\)((?:\\\\)*)\\u0000/g;

/** `s` with every NUL replaced by U+FFFD. */
export function cleanText(s: string): string {
  return s.includes(NUL) ? s.replaceAll(NUL, REPLACEMENT) : s;
}

/** JSON text whose NUL escapes become U+FFFD, so that it casts to JSONB. */
export function cleanJson(json: string): string {
  return json.includes('\\u0000') ? json.replace(JSON_NUL, `$1${REPLACEMENT}`) : json;
}

/** Statement parameters with NUL cleaned from strings and from arrays of strings (the unnest columns). */
export function cleanParams(params: readonly unknown[]): unknown[] {
  return params.map((p) => {
    if (typeof p === 'string') return cleanText(p);
    if (Array.isArray(p)) return p.map((v: unknown) => (typeof v === 'string' ? cleanText(v) : v));
    return p;
  });
}
