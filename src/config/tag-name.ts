// Tag names: one path segment of a tag (`colo`, `north_america`, `web-east`), also what inventory groups must be.

const TAG_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;

/** What a tag name may hold, for hints. */
export const TAG_NAME_HINT = 'tag names use letters, digits, "_" and "-"; dots separate levels (colo.east)';

/** True when `name` is a valid single tag name (one path segment). */
export function isTagName(name: string): boolean {
  return TAG_NAME.test(name);
}
