// Walks a paged API list (`{ items, next }`) until its end or a cap on the items.
import type { Page } from '../../model/index.ts';

/** Items of every page from `fetchPage(undefined)` on, following `next`, at most `max` of them. */
export async function collectPages<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  max = Number.POSITIVE_INFINITY,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    items.push(...page.items.slice(0, max - items.length));
    // A server that hands back the same cursor would loop forever.
    cursor = page.next !== undefined && page.next !== cursor && page.items.length > 0 ? page.next : undefined;
  } while (cursor !== undefined && items.length < max);
  return items;
}
