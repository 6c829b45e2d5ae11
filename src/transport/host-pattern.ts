// OpenSSH host patterns (`*`, `?`, `!negation`), as ssh_config `Host` lines and known_hosts names use them.

/** True when `name` matches the glob `pattern` (`*` any run, `?` one character), ignoring case. */
export function matchGlob(name: string, pattern: string): boolean {
  const n = name.toLowerCase();
  const p = pattern.toLowerCase();
  // Iterative wildcard match with backtracking to the last `*` (linear for typical patterns).
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (i < n.length) {
    if (j < p.length && (p[j] === '?' || p[j] === n[i])) {
      i++;
      j++;
    } else if (j < p.length && p[j] === '*') {
      star = j++;
      mark = i;
    } else if (star >= 0) {
      j = star + 1;
      i = ++mark;
    } else {
      return false;
    }
  }
  while (j < p.length && p[j] === '*') j++;
  return j === p.length;
}

/**
 * True when `name` matches a list of patterns the OpenSSH way: some positive pattern matches and no
 * negated (`!pattern`) one does. A list of negations alone matches nothing.
 */
export function matchPatternList(name: string, patterns: readonly string[]): boolean {
  let matched = false;
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) {
      if (matchGlob(name, pattern.slice(1))) return false;
    } else if (matchGlob(name, pattern)) {
      matched = true;
    }
  }
  return matched;
}
