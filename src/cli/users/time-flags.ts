// `--expires 30d` and `--since 1h|ISO`: durations with days, or ISO 8601 dates, as absolute times.
import { parseDuration } from '../duration.ts';
import { usageError } from '../flags.ts';

const DAY_MS = 86_400_000;

/** Milliseconds of `30d`, `12h`, `1d12h`, `90m`; undefined when malformed or zero. */
export function parseLongDuration(text: string): number | undefined {
  const m = /^\s*(?:(\d+)d)?(.*)$/.exec(text);
  const days = Number(m?.[1] ?? 0);
  const rest = (m?.[2] ?? '').trim();
  const ms = days * DAY_MS + (rest === '' ? 0 : (parseDuration(rest) ?? NaN));
  return Number.isFinite(ms) && ms > 0 && (m?.[1] !== undefined || rest !== '') ? ms : undefined;
}

/** `--expires`: a duration from now, or an ISO date in the future; absolute ms. */
export function parseExpires(raw: string, now: number): number {
  const ms = parseLongDuration(raw);
  const at = ms !== undefined ? now + ms : isoTime(raw);
  if (at === undefined)
    throw usageError(`--expires: "${raw}" is neither a duration (30d, 12h) nor an ISO date`);
  if (at <= now) throw usageError(`--expires: ${raw} is in the past`);
  return at;
}

/** `--since`: a duration back from now, or an ISO date; absolute ms. */
export function parseSince(raw: string, now: number): number {
  const ms = parseLongDuration(raw);
  const at = ms !== undefined ? now - ms : isoTime(raw);
  if (at === undefined) throw usageError(`--since: "${raw}" is neither a duration (1h, 7d) nor an ISO date`);
  return at;
}

function isoTime(raw: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw.trim())) return undefined;
  const t = Date.parse(raw.trim());
  return Number.isNaN(t) ? undefined : t;
}
