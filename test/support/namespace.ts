// Builds NamespaceConfig values directly (no YAML) for engine tests and benchmarks.
import type { Chain, ConstraintGroup, NamespaceConfig } from '../../src/model/index.ts';
import { parseLimit, resolveLimit } from '../../src/model/index.ts';

export interface NamespaceSpec {
  /** Tag path → hosts (leaf tags only; parents are derived from dotted paths). */
  readonly tags?: Record<string, readonly string[]>;
  /** Chains: id → stages; a stage is `$tag` or a literal host. */
  readonly chains?: Record<string, readonly string[]>;
  /** Group id (a tag path) → limit `N` or `N%`. */
  readonly limits?: Record<string, number | string>;
  readonly extraHosts?: readonly string[];
}

/** A NamespaceConfig from a compact spec: tag hosts include descendants, groups from limits. */
export function namespaceConfig(spec: NamespaceSpec, namespace = 'test'): NamespaceConfig {
  const tags = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  const hosts: string[] = [];
  const seen = new Set<string>();
  const addHost = (h: string): void => {
    if (!seen.has(h)) {
      seen.add(h);
      hosts.push(h);
    }
  };
  for (const [path, members] of Object.entries(spec.tags ?? {})) {
    const parts = path.split('.');
    for (let i = 1; i <= parts.length; i++) {
      const p = parts.slice(0, i).join('.');
      const list = tags.get(p) ?? [];
      for (const h of members) if (!list.includes(h)) list.push(h);
      tags.set(p, list);
      if (i > 1) {
        const parent = parts.slice(0, i - 1).join('.');
        const kids = children.get(parent) ?? [];
        if (!kids.includes(p)) kids.push(p);
        children.set(parent, kids);
      }
    }
    members.forEach(addHost);
  }
  const resolve = (entry: string): string[] =>
    entry.startsWith('$') ? (tags.get(entry.slice(1)) ?? []) : [entry];
  const chains: Chain[] = Object.entries(spec.chains ?? {}).map(([id, stages]) => ({
    id,
    stages: stages.map((e) => {
      resolve(e).forEach(addHost);
      return { label: `${id}.${e}`, hosts: resolve(e) };
    }),
  }));
  (spec.extraHosts ?? []).forEach(addHost);
  const groups: ConstraintGroup[] = [];
  for (const [id, raw] of Object.entries(spec.limits ?? {})) {
    const limit = parseLimit(raw);
    if (!limit) throw new Error(`bad limit ${raw}`);
    const kids = children.get(id);
    const ids = kids && kids.length ? kids : [id];
    for (const gid of ids) {
      const members = tags.get(gid) ?? [];
      groups.push({
        id: gid,
        label: `$${gid}`,
        spec: limit,
        limit: resolveLimit(limit, members.length),
        hosts: members,
      });
    }
  }
  return { namespace, source: '<test>', hosts, tags, tagChildren: children, chains, groups };
}
