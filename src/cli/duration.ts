// Durations on the command line and in files: `500ms`, `30s`, `2m`, `1h`, `1m30s`, `90d`; printed the same way.

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds (rounded to whole ms) for `500ms`, `1.5s`, `2m`, `1h30m`, `90d`; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  const part = /(\d+(?:\.\d+)?)(ms|d|h|m|s)/y;
  let total = 0;
  while (part.lastIndex < s.length) {
    const m = part.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? NaN);
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

/** `850ms`, `12.5s`, `2m40s`, `1h5m`: the shortest form `parseDuration` reads back to the same value. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1_000;
  const parts = [h ? `${h}h` : '', m ? `${m}m` : '', s ? `${s}s` : ''];
  return parts.join('');
}

/** Seconds with a fixed number of decimals, for aligned trace timestamps. */
export function formatSeconds(ms: number, decimals: number): string {
  return `${(ms / 1_000).toFixed(decimals)}s`;
}

/** Decimals (1 to 3) needed to show every one of `times` (ms) exactly in seconds. */
export function secondsDecimals(times: Iterable<number>): number {
  let decimals = 1;
  for (const t of times) {
    if (decimals < 3 && t % 100 !== 0) decimals = t % 10 === 0 ? Math.max(decimals, 2) : 3;
  }
  return decimals;
}
