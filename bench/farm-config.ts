// A synthetic server farm as a NamespaceConfig, built in code for benchmarks (no YAML, no pattern expansion).
import type { Chain, ConstraintGroup, NamespaceConfig } from '../src/model/index.ts';
import { parseLimit, resolveLimit } from '../src/model/index.ts';

/** Hosts per leaf (rack) tag. */
export const RACK_SIZE = 100;
/** Parent (pod) tags; racks are spread evenly over them. */
export const PODS = 10;

/**
 * `hosts` hosts in racks of 100 (`pod.p<k>.r<j>`, so 1,000 leaf tags at 100,000 hosts) under 10 pod tags,
 * plus two cross-cutting role tags (`role.db`: every 50th host, `role.lb`: every 100th).
 * Chain `main` runs pods p0, p1, p2 in order; the other pods are unordered.
 * Constraints: 10% per rack (each value of every pod, i.e. 1,000 groups of 10), `role.db` 50, `role.lb` 20.
 */
export function farmConfig(hosts: number): NamespaceConfig {
  const racks = Math.ceil(hosts / RACK_SIZE);
  const perPod = Math.ceil(racks / PODS);
  const all: string[] = [];
  const tags = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  const child = (parent: string, path: string): void => {
    const list = children.get(parent) ?? [];
    list.push(path);
    children.set(parent, list);
  };
  const db: string[] = [];
  const lb: string[] = [];
  for (let p = 0; p < PODS; p++) {
    const pod = `pod.p${p}`;
    child('pod', pod);
    const podHosts: string[] = [];
    for (let r = p * perPod; r < Math.min(racks, (p + 1) * perPod); r++) {
      const rack = `${pod}.r${r}`;
      child(pod, rack);
      const members: string[] = [];
      for (let i = 0; i < RACK_SIZE && all.length < hosts; i++) {
        const host = `p${p}r${String(r).padStart(4, '0')}n${String(i).padStart(2, '0')}.example.com`;
        if (all.length % 50 === 0) db.push(host);
        if (all.length % 100 === 1) lb.push(host);
        all.push(host);
        members.push(host);
      }
      tags.set(rack, members);
      podHosts.push(...members);
    }
    tags.set(pod, podHosts);
  }
  tags.set('pod', all);
  tags.set('role', [...db, ...lb]);
  tags.set('role.db', db);
  tags.set('role.lb', lb);
  child('role', 'role.db');
  child('role', 'role.lb');

  const chain: Chain = {
    id: 'main',
    stages: ['pod.p0', 'pod.p1', 'pod.p2'].map((t) => ({ label: `main.$${t}`, hosts: tags.get(t) ?? [] })),
  };
  const groups: ConstraintGroup[] = [];
  const group = (id: string, raw: string): void => {
    const spec = parseLimit(raw);
    const members = tags.get(id) ?? [];
    if (!spec) throw new Error(`bad limit ${raw}`);
    groups.push({ id, label: `$${id}`, spec, limit: resolveLimit(spec, members.length), hosts: members });
  };
  for (let p = 0; p < PODS; p++) for (const rack of children.get(`pod.p${p}`) ?? []) group(rack, '10%');
  group('role.db', '50');
  group('role.lb', '20');
  return {
    namespace: 'bench',
    source: '<bench>',
    hosts: all,
    tags,
    tagChildren: children,
    chains: [chain],
    groups,
  };
}
