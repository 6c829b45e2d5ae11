// Which hosts the table shows, in which order: filter by state and name, sort by a column (pure; tested).
import type { HostState } from '../../../src/model/index.ts';
import type { JobModel } from '../state/job-model.ts';

/** Sortable columns. */
export const SORT_KEYS = ['plan', 'name', 'state', 'start', 'duration', 'exit'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** A table view: filter and sort. `desc` reverses. */
export interface HostQuery {
  readonly states: readonly HostState[];
  readonly text: string;
  readonly sort: SortKey;
  readonly desc: boolean;
}

/** Host indices to show, in order. */
export function orderHosts(model: JobModel, q: HostQuery, now: number): Int32Array {
  const wanted = new Set(q.states);
  const text = q.text.toLowerCase();
  const out: number[] = [];
  for (let i = 0; i < model.hosts.length; i++) {
    if (wanted.size > 0 && !wanted.has(model.hostState(i))) continue;
    if (text !== '' && !(model.hosts[i] ?? '').toLowerCase().includes(text)) continue;
    out.push(i);
  }
  const key = sortValue(model, q.sort, now);
  if (key) {
    const names = q.sort === 'name';
    out.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      const c = names ? String(ka).localeCompare(String(kb)) : (ka as number) - (kb as number);
      return c !== 0 ? c : a - b;
    });
  }
  if (q.desc) out.reverse();
  return Int32Array.from(out);
}

function sortValue(
  model: JobModel,
  sort: SortKey,
  now: number,
): ((i: number) => number | string) | undefined {
  const missing = (v: number): number => (Number.isNaN(v) ? Number.MAX_VALUE : v);
  switch (sort) {
    case 'plan':
      return undefined;
    case 'name':
      return (i) => model.hosts[i] ?? '';
    case 'state':
      return (i) => model.state[i] ?? 0;
    case 'start':
      return (i) => missing(model.startedAt[i] ?? NaN);
    case 'duration':
      return (i) => {
        const s = model.startedAt[i] ?? NaN;
        const e = model.endedAt[i] ?? NaN;
        return Number.isNaN(s) ? -1 : (Number.isNaN(e) ? now : e) - s;
      };
    case 'exit':
      return (i) => model.exit(i) ?? Number.MAX_SAFE_INTEGER;
  }
}
