// Validation of command-line flag values (limits, durations, seeds, counts, sizes): each bad value is a USAGE error naming its flag.
import type { LimitSpec } from '../model/index.ts';
import { PogoError, parseLimit } from '../model/index.ts';
import { parseDuration } from './duration.ts';

/** A USAGE error (exit 64) with an optional hint. */
export function usageError(message: string, hint?: string): PogoError {
  return new PogoError('USAGE', message, { hint });
}

/** Options of {@link parseLimitFlag}. */
export interface LimitFlagOptions {
  /** Smallest count allowed (percentages resolve to at least 1 anyway). Default 0. */
  readonly min?: number;
  /** Only `N%` is accepted. */
  readonly percentOnly?: boolean;
}

/** `N` or `N%` for `flag`; undefined when the flag is absent. */
export function parseLimitFlag(
  flag: string,
  raw: string | undefined,
  options: LimitFlagOptions = {},
): LimitSpec | undefined {
  if (raw === undefined) return undefined;
  const spec = parseLimit(raw);
  const form = options.percentOnly ? 'a percentage like 5%' : 'a count like 10 or a percentage like 25%';
  if (!spec || (options.percentOnly && spec.kind !== 'percent')) {
    throw usageError(
      `${flag}: "${raw}" is not ${form}`,
      `write ${flag} ${options.percentOnly ? '5%' : '10 or 25%'}`,
    );
  }
  const min = options.min ?? 0;
  if (spec.kind === 'count' && spec.value < min) {
    throw usageError(`${flag}: must be at least ${min}, got ${raw}`);
  }
  return spec;
}

/** Milliseconds for a duration flag; undefined when the flag is absent. */
export function parseDurationFlag(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const ms = parseDuration(raw);
  if (ms === undefined) {
    const hint = /^\s*\d+(\.\d+)?\s*$/.test(raw)
      ? `add a unit: ${raw.trim()}s, ${raw.trim()}m, …`
      : 'write a number and a unit (ms, s, m, h, d), e.g. 500ms, 30s, 2m, 1h30m, 90d';
    throw usageError(`${flag}: "${raw}" is not a duration`, hint);
  }
  return ms;
}

/** A seed: an integer from 0 to 2^32-1. */
export function parseSeedFlag(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n > 0xffff_ffff) {
    throw usageError(`${flag}: "${raw}" is not an integer from 0 to 4294967295`);
  }
  return n;
}

/** Refuse two flags that exclude each other. */
export function exclusive(a: string, aSet: boolean, b: string, bSet: boolean, hint?: string): void {
  if (aSet && bSet) throw usageError(`${a} and ${b} cannot be used together`, hint);
}

/** A non-negative integer flag. */
export function parseCount(flag: string, raw: string): number {
  if (!/^\s*\d+\s*$/.test(raw)) throw usageError(`${flag}: "${raw}" is not a whole number`);
  return Number(raw);
}

const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  kib: 1024,
  m: 1e6,
  mb: 1e6,
  mib: 1 << 20,
  g: 1e9,
  gb: 1e9,
  gib: 1 << 30,
};

/** `1MiB`, `64KiB`, `500k`, `1048576` → bytes. */
export function parseByteSize(flag: string, raw: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw);
  const unit = UNITS[(m?.[2] ?? '?').toLowerCase()];
  if (!m || unit === undefined)
    throw usageError(`${flag}: "${raw}" is not a size`, 'write e.g. 1MiB, 64KiB or 500000');
  return Math.floor(Number(m[1]) * unit);
}
