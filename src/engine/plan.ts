// Plan: a job's threads (chains) × slots (stages), its unordered hosts, and every host's constraint groups.
import type { Chain, ConstraintGroup, LimitSpec, NamespaceConfig } from '../model/index.ts';
import { findSequenceCycle } from '../config/index.ts';
import { PogoError, formatLimit, resolveLimit } from '../model/index.ts';

/** A constraint group as a job sees it. `limit` is namespace-wide; `jobHosts` counts this job's members. */
export interface PlanGroup {
  /** Namespace-wide key (the config group id), or `@job` for the job's own max_parallel. */
  readonly id: string;
  readonly label: string;
  readonly limit: number;
  readonly spec: LimitSpec;
  readonly jobHosts: number;
}

/** One stage of one thread, restricted to the job's hosts (indices into `Plan.hosts`). */
export interface PlanSlot {
  readonly label: string;
  readonly hosts: readonly number[];
}

export interface PlanThread {
  readonly id: string;
  readonly slots: readonly PlanSlot[];
}

/** Everything the rollout needs, computed once per job. */
export interface Plan {
  readonly namespace: string;
  /** The job's hosts: thread slots in order, then unordered config hosts, then hosts the config does not know. */
  readonly hosts: readonly string[];
  readonly threads: readonly PlanThread[];
  /** Hosts in no chain (config hosts first, then unknown hosts), start in this order. */
  readonly unconstrained: readonly number[];
  readonly groups: readonly PlanGroup[];
  /** Per host: indices into `groups`. */
  readonly hostGroups: readonly (readonly number[])[];
  /** Per host: [thread, slot] pairs it belongs to (at most one per thread). */
  readonly hostSlots: readonly (readonly (readonly [number, number])[])[];
}

export interface PlanOptions {
  /** Cap on the whole job, `N` or `N%` of the job's hosts. */
  readonly maxParallel?: LimitSpec | undefined;
}

/** The id of the job-wide max_parallel group inside a plan. */
export const JOB_GROUP_ID = '@job';

/**
 * Build the plan for `targets` under `config` (or no config: every host unordered and unconstrained).
 * Hosts outside the config get no constraint but the job's max_parallel.
 */
export function buildPlan(
  config: NamespaceConfig | undefined,
  targets: readonly string[],
  options: PlanOptions = {},
): Plan {
  const hostIndex = new Map<string, number>();
  const hosts: string[] = [];
  const wanted = new Set(targets);
  if (wanted.size === 0) throw new PogoError('TARGETS_EMPTY', 'the job has no target hosts');
  const add = (h: string): number => {
    let i = hostIndex.get(h);
    if (i === undefined) {
      i = hosts.length;
      hostIndex.set(h, i);
      hosts.push(h);
    }
    return i;
  };

  const threads: PlanThread[] = [];
  const chains = config?.chains ?? [];
  for (const chain of chains) {
    const slots = jobSlots(chain, wanted, add);
    if (slots.length > 0) threads.push({ id: chain.id, slots });
  }
  assertNoCycle(threads, hosts);
  const inChain = hosts.length;
  const known = new Set(config?.hosts ?? []);
  for (const h of config?.hosts ?? []) if (wanted.has(h)) add(h);
  for (const h of targets) if (!known.has(h)) add(h);
  const unconstrained = Array.from({ length: hosts.length - inChain }, (_, k) => inChain + k);

  const hostSlots: [number, number][][] = hosts.map(() => []);
  threads.forEach((t, ti) =>
    t.slots.forEach((s, si) => s.hosts.forEach((h) => hostSlots[h]?.push([ti, si]))),
  );

  const groups: PlanGroup[] = [];
  const hostGroups: number[][] = hosts.map(() => []);
  for (const g of strictestById(config?.groups ?? [])) addGroup(groups, hostGroups, g, hostIndex);
  if (options.maxParallel) {
    const gi = groups.length;
    groups.push({
      id: JOB_GROUP_ID,
      label: `job max_parallel ${formatLimit(options.maxParallel)}`,
      limit: resolveLimit(options.maxParallel, hosts.length),
      spec: options.maxParallel,
      jobHosts: hosts.length,
    });
    for (const hg of hostGroups) hg.push(gi);
  }
  return {
    namespace: config?.namespace ?? 'default',
    hosts,
    threads,
    unconstrained,
    groups,
    hostGroups,
    hostSlots,
  };
}

/** A chain's stages restricted to the job: a host keeps only its first stage in the chain; empty stages go. */
function jobSlots(chain: Chain, wanted: ReadonlySet<string>, add: (h: string) => number): PlanSlot[] {
  const seen = new Set<string>();
  const slots: PlanSlot[] = [];
  for (const stage of chain.stages) {
    const members: number[] = [];
    for (const h of stage.hosts) {
      if (!wanted.has(h) || seen.has(h)) continue;
      seen.add(h);
      members.push(add(h));
    }
    if (members.length > 0) slots.push({ label: stage.label, hosts: members });
  }
  return slots;
}

/** A job whose chains wait on each other in a circle could never finish: refuse it (PLAN_CYCLE). */
function assertNoCycle(threads: readonly PlanThread[], hosts: readonly string[]): void {
  const chains = threads.map((t) => ({
    id: t.id,
    stages: t.slots.map((s) => ({ label: s.label, hosts: s.hosts.map((h) => hosts[h] ?? '') })),
  }));
  const cycle = findSequenceCycle(chains);
  if (!cycle) return;
  throw new PogoError(
    'PLAN_CYCLE',
    `sequences ${cycle.chains.join(', ')} make hosts wait on each other in a circle: ${cycle.hosts.join(' → ')}`,
    { hint: 'a host that is in several sequences must come in the same order in each of them' },
  );
}

/** Groups are keyed by id namespace-wide; if a config yields one id twice (`$colo: 2` and `$colo.east: 1`), the smaller limit wins. */
function strictestById(groups: readonly ConstraintGroup[]): ConstraintGroup[] {
  const byId = new Map<string, ConstraintGroup>();
  for (const g of groups) {
    const prev = byId.get(g.id);
    if (!prev || g.limit < prev.limit) byId.set(g.id, g);
  }
  return [...byId.values()];
}

function addGroup(
  groups: PlanGroup[],
  hostGroups: number[][],
  g: ConstraintGroup,
  hostIndex: ReadonlyMap<string, number>,
): void {
  const members: number[] = [];
  for (const h of g.hosts) {
    const i = hostIndex.get(h);
    if (i !== undefined) members.push(i);
  }
  if (members.length === 0) return;
  const gi = groups.length;
  groups.push({ id: g.id, label: g.label, limit: g.limit, spec: g.spec, jobHosts: members.length });
  for (const i of members) hostGroups[i]?.push(gi);
}
