// "Did you mean" hints: the closest known name by edit distance (typos, swapped letters, a missing prefix).

/** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i += 1) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j += 1) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const prev = rows[i - 1] ?? [];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      }
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? 0;
}

/**
 * The candidate closest to `name`, if close enough to be a plausible typo: within a third of the
 * name's length (at least 1), or a candidate whose last dotted segment equals the name (`east` → `colo.east`).
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best !== undefined) return best;
  for (const candidate of candidates) {
    if (candidate.endsWith(`.${name}`)) return candidate;
  }
  return undefined;
}

/**
 * A hint for an unknown name: `did you mean "x"?` when one is close, else the list of known names
 * (the first `limit`), or `none are defined` when there are none.
 */
export function suggestionHint(
  name: string,
  candidates: readonly string[],
  format: (candidate: string) => string = (c) => c,
  limit = 12,
): string {
  const close = closestName(name, candidates);
  if (close !== undefined) return `did you mean ${format(close)}?`;
  if (candidates.length === 0) return 'none are defined';
  const shown = candidates.slice(0, limit).map(format).join(', ');
  const more = candidates.length > limit ? `, … (${candidates.length} in all)` : '';
  return `known: ${shown}${more}`;
}
