// Renders a plan: the seed's Schedule box table, the constraints table, and the `--json` shape.
import type { Plan } from '../engine/index.ts';
import { formatLimit } from '../model/index.ts';
import { renderBoxTable, wrapList } from './box-table.ts';

/** Host lists wrap at this many characters per table cell. */
const HOSTS_WIDTH = 60;

/** The `pogo schedule --json` document. */
export interface ScheduleJson {
  readonly threads: { id: string; slots: { label: string; hosts: string[] }[] }[];
  readonly unconstrained: string[];
  readonly groups: { id: string; label: string; limit: number; spec: string; hosts: string[] }[];
}

/** The plan as JSON: host names instead of indices; each group lists the job's hosts in it, in plan order. */
export function scheduleJson(plan: Plan): ScheduleJson {
  const names = (idx: readonly number[]): string[] => idx.map((i) => plan.hosts[i] ?? '');
  const members = plan.groups.map((): string[] => []);
  plan.hostGroups.forEach((gs, h) => gs.forEach((g) => members[g]?.push(plan.hosts[h] ?? '')));
  return {
    threads: plan.threads.map((t) => ({
      id: t.id,
      slots: t.slots.map((s) => ({ label: s.label, hosts: names(s.hosts) })),
    })),
    unconstrained: names(plan.unconstrained),
    groups: plan.groups.map((g, gi) => ({
      id: g.id,
      label: g.label,
      limit: g.limit,
      spec: formatLimit(g.spec),
      hosts: members[gi] ?? [],
    })),
  };
}

/** The Schedule table: one column per slot, per thread a `[label]` line and its hosts, then the unordered hosts. */
export function renderScheduleTable(plan: Plan): string {
  const slotCount = Math.max(1, ...plan.threads.map((t) => t.slots.length));
  const header = ['Thread', ...Array.from({ length: slotCount }, (_, k) => `slot-${k + 1}`)];
  const hostLines = (idx: readonly number[]): string[] =>
    idx.length
      ? wrapList(
          idx.map((i) => plan.hosts[i] ?? ''),
          HOSTS_WIDTH,
        )
      : [];
  const rows = plan.threads.map((t) => [
    t.id,
    ...t.slots.map((s) => [`[${s.label}]`, ...hostLines(s.hosts)]),
  ]);
  rows.push(['unconstrained', ['[unconstrained]', ...hostLines(plan.unconstrained)]]);
  return renderBoxTable({ title: 'Schedule', header, rows });
}

/** The constraint groups the job's hosts fall in: limit as written and resolved, and the job's hosts in each. */
export function renderConstraintsTable(plan: Plan): string {
  if (plan.groups.length === 0) return 'No constraint groups apply to these hosts.\n';
  return renderBoxTable({
    title: 'Constraints',
    header: ['Group', 'Spec', 'Limit', 'Job hosts'],
    rows: plan.groups.map((g) => [g.label, formatLimit(g.spec), String(g.limit), String(g.jobHosts)]),
    alignRight: [1, 2, 3],
  });
}
