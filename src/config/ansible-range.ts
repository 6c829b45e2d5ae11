// Ansible's host ranges (`web[01:20].x`, `db-[a:f]`, `h[0:10:2]`) and `host:port` in inventory host names.

/** Most names one Ansible host line may expand to (a typo such as `h[1:99999999]` fails at once). */
export const MAX_RANGE_HOSTS = 1_000_000;

const RANGE = /\[([^\]:]*):([^\]:]*)(?::([^\]]*))?\]/;

/**
 * The names of `pattern`, ranges expanded left to right as Ansible does: `[beg:end]` or `[beg:end:step]`,
 * numbers (zero-padded when `beg` has a leading zero and both bounds have the same width) or single letters.
 * A malformed range → the reason, as a string.
 */
export function expandAnsibleRange(pattern: string, budget = MAX_RANGE_HOSTS): string[] | string {
  const m = RANGE.exec(pattern);
  if (!m) return [pattern];
  const [whole, rawBeg = '', rawEnd = '', rawStep] = m;
  const head = pattern.slice(0, m.index);
  const tail = pattern.slice(m.index + whole.length);
  const beg = rawBeg.trim() === '' ? '0' : rawBeg.trim();
  const end = rawEnd.trim();
  if (end === '') return `range ${whole} has no end value`;
  const step = rawStep === undefined || rawStep.trim() === '' ? 1 : Number(rawStep);
  if (!Number.isInteger(step) || step < 1) return `range ${whole} has a bad step "${rawStep ?? ''}"`;
  let values: string[];
  if (/^[a-zA-Z]$/.test(beg) && /^[a-zA-Z]$/.test(end)) {
    const from = beg.charCodeAt(0);
    const to = end.charCodeAt(0);
    if (from > to) return `range ${whole} goes backwards`;
    values = [];
    for (let c = from; c <= to; c += step) values.push(String.fromCharCode(c));
  } else if (/^\d+$/.test(beg) && /^\d+$/.test(end)) {
    const padded = beg.startsWith('0') && beg.length > 1;
    if (padded && beg.length !== end.length) {
      return `range ${whole}: zero-padded bounds must have the same width`;
    }
    const from = Number(beg);
    const to = Number(end);
    if (from > to) return `range ${whole} goes backwards`;
    if ((to - from) / step + 1 > budget) return `range ${whole} names more than ${budget} hosts`;
    values = [];
    for (let n = from; n <= to; n += step)
      values.push(padded ? String(n).padStart(beg.length, '0') : String(n));
  } else {
    return `range ${whole} mixes letters and numbers, or has more than one letter`;
  }
  const out: string[] = [];
  for (const value of values) {
    const rest = expandAnsibleRange(`${value}${tail}`, Math.max(1, Math.floor(budget / values.length)));
    if (typeof rest === 'string') return rest;
    for (const name of rest) out.push(`${head}${name}`);
  }
  return out;
}

/**
 * Split `host:port` as Ansible reads inventory host names: `name:22`, `[2001:db8::1]:22`, a bare IPv6 address
 * (no port), or a name with ranges (`web[01:03].x:2222`). A port outside 1–65535 → the reason.
 */
export function splitHostPort(text: string): { host: string; port?: number } | string {
  const v6 = /^\[([0-9A-Fa-f:.]+)\](?::(\d+))?$/.exec(text);
  if (v6 && (v6[1] ?? '').includes(':')) return withPort(v6[1] ?? '', v6[2]);
  const outside = text.replace(/\[[^\]]*\]/g, (s) => '_'.repeat(s.length));
  const colons = [...outside].filter((c) => c === ':').length;
  if (colons === 1) {
    const at = outside.indexOf(':');
    const port = text.slice(at + 1);
    if (!/^\d+$/.test(port)) return `"${text}": the part after ":" must be a port number`;
    return withPort(text.slice(0, at), port);
  }
  return { host: text };
}

function withPort(host: string, port: string | undefined): { host: string; port?: number } | string {
  if (port === undefined) return { host };
  const n = Number(port);
  if (!Number.isInteger(n) || n < 1 || n > 65535) return `port ${port} of ${host} is not from 1 to 65535`;
  return { host, port: n };
}
