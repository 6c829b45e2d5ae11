// Timeline rows: which host goes on which row, in bands by plan slot or constraint group (pure; tested).
import type { JobPlanView } from '../../../src/model/index.ts';

/** How the timeline groups its rows. */
export type Grouping = 'slot' | 'group' | 'none';

/** A labelled run of rows. */
export interface Band {
  readonly label: string;
  readonly start: number;
  readonly count: number;
}

/** Row order (host indices) and bands. Every host is on exactly one row. */
export interface TimelineLayout {
  readonly rows: Int32Array;
  readonly bands: readonly Band[];
}

/** Lay out `hostCount` hosts of `plan` by `grouping`; hosts keep plan order inside a band. */
export function layoutTimeline(
  plan: JobPlanView | undefined,
  hostCount: number,
  grouping: Grouping,
): TimelineLayout {
  const rows = new Int32Array(hostCount);
  const placed = new Uint8Array(hostCount);
  const bands: Band[] = [];
  let n = 0;
  const band = (label: string, hosts: readonly number[]): void => {
    const start = n;
    for (const h of hosts) {
      if (h < 0 || h >= hostCount || placed[h]) continue;
      placed[h] = 1;
      rows[n++] = h;
    }
    if (n > start) bands.push({ label, start, count: n - start });
  };
  if (plan && grouping === 'slot') {
    for (const t of plan.threads) {
      for (const s of t.slots) band(plan.threads.length > 1 ? `${t.id}: ${s.label}` : s.label, s.hosts);
    }
    band('unordered', plan.unordered);
  } else if (plan && grouping === 'group') {
    const real = plan.groups.filter((g) => g.id !== '@job');
    // Smaller groups first: a host in a rack and in a role lands in its rack.
    for (const g of [...real].sort((a, b) => a.hosts.length - b.hosts.length)) band(g.label, g.hosts);
    band(real.length > 0 ? 'in no group' : 'all hosts', allHosts(hostCount));
  }
  band(bands.length > 0 ? 'other' : 'all hosts', allHosts(hostCount));
  return { rows, bands };
}

function allHosts(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** One step of a concurrency curve: from `t` on, `value` hosts are out. */
export interface Step {
  readonly t: number;
  readonly value: number;
}

/**
 * How many of `hosts` were out at each moment: a host is out from its start to its end, and a failed host
 * keeps its slot until `holdUntil` (the job's end, or now). Steps are in time order.
 */
export function concurrency(
  hosts: readonly number[],
  startedAt: Float64Array,
  endedAt: Float64Array,
  failed: (host: number) => boolean,
  holdUntil: number,
): { steps: Step[]; peak: number } {
  const edges: number[] = [];
  for (const h of hosts) {
    const s = startedAt[h] ?? NaN;
    if (Number.isNaN(s)) continue;
    const e0 = endedAt[h] ?? NaN;
    const e = failed(h) || Number.isNaN(e0) ? holdUntil : e0;
    edges.push(s, 1, Math.max(s, e), -1);
  }
  const order = Array.from({ length: edges.length / 2 }, (_, i) => i);
  // Ends before starts at the same instant: a slot handed over is not two hosts out.
  order.sort(
    (a, b) => (edges[a * 2] ?? 0) - (edges[b * 2] ?? 0) || (edges[a * 2 + 1] ?? 0) - (edges[b * 2 + 1] ?? 0),
  );
  const steps: Step[] = [];
  let value = 0;
  let peak = 0;
  for (const i of order) {
    value += edges[i * 2 + 1] ?? 0;
    peak = Math.max(peak, value);
    const t = edges[i * 2] ?? 0;
    const last = steps[steps.length - 1];
    if (last && last.t === t) steps[steps.length - 1] = { t, value };
    else steps.push({ t, value });
  }
  return { steps, peak };
}
