// Ordered host-list helpers (first occurrence wins) and id de-duplication, shared by the config parsers.

/** `items` without repeats, keeping the first occurrence of each. */
export function dedupe(items: Iterable<string>): string[] {
  return [...new Set(items)];
}

/** Hosts of `first` (in its order) that are in every one of `others`. */
export function intersect(first: readonly string[], others: readonly (readonly string[])[]): string[] {
  const sets = others.map((list) => new Set(list));
  return dedupe(first.filter((host) => sets.every((set) => set.has(host))));
}

/**
 * `base` if unused, else `base<sep>2`, `base<sep>3`, …; the result is added to `used`.
 * Keeps chain and group ids unique when a config names the same thing twice.
 */
export function claimId(base: string, used: Set<string>, separator: string): string {
  let id = base;
  for (let n = 2; used.has(id); n += 1) id = `${base}${separator}${n}`;
  used.add(id);
  return id;
}
