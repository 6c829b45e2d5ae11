// Limits written as `N` or `N%`: parsed once, resolved against a population size.

/** An absolute count or a percentage of some population. */
export type LimitSpec =
  { readonly kind: 'count'; readonly value: number } | { readonly kind: 'percent'; readonly value: number };

/** Parse `3`, `"3"` or `"25%"`; returns undefined when the text is not a valid limit. */
export function parseLimit(raw: unknown): LimitSpec | undefined {
  if (typeof raw === 'number') {
    return Number.isInteger(raw) && raw >= 0 ? { kind: 'count', value: raw } : undefined;
  }
  if (typeof raw !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(raw);
  if (!m?.[1]) return undefined;
  const value = Number(m[1]);
  if (m[2] === '%') return value <= 100 ? { kind: 'percent', value } : undefined;
  return Number.isInteger(value) ? { kind: 'count', value } : undefined;
}

/** The limit for a population of `size`: percent is floored and at least 1. */
export function resolveLimit(spec: LimitSpec, size: number): number {
  if (spec.kind === 'count') return spec.value;
  return Math.max(1, Math.floor((spec.value * size) / 100));
}

/** `3` or `25%`. */
export function formatLimit(spec: LimitSpec): string {
  return spec.kind === 'count' ? String(spec.value) : `${spec.value}%`;
}
