// A plan as the API shows it: host names instead of indices (`pogo schedule` over HTTP).
import type { Plan } from '../engine/index.ts';
import type { PlanPreview } from '../model/index.ts';
import { formatLimit } from '../model/index.ts';

/** The plan's threads, slots, unordered hosts and groups by name. */
export function planPreview(namespace: string, configVersion: number | null, plan: Plan): PlanPreview {
  const name = (i: number): string => plan.hosts[i] as string;
  return {
    namespace,
    configVersion,
    hosts: plan.hosts,
    threads: plan.threads.map((t) => ({
      id: t.id,
      slots: t.slots.map((s) => ({ label: s.label, hosts: s.hosts.map(name) })),
    })),
    unordered: plan.unconstrained.map(name),
    groups: plan.groups.map((g) => ({
      id: g.id,
      label: g.label,
      limit: g.limit,
      spec: formatLimit(g.spec),
      jobHosts: g.jobHosts,
    })),
  };
}
