// The inventory model every external tag source yields (groups, group vars, host vars) and the connection settings it implies.
import type { HostConnect } from '../model/config.ts';

/** Variables of a host or group, as the source gave them. */
export type Vars = Readonly<Record<string, unknown>>;

/** One group a source reported: its own hosts, the names of its child groups, and its variables. */
export interface InventoryGroup {
  readonly name: string;
  readonly hosts: readonly string[];
  readonly children: readonly string[];
  readonly vars?: Vars | undefined;
}

/** What one external source yields. Hosts of JSON sources may be Pogo patterns; INI and YAML ones are names. */
export interface Inventory {
  readonly groups: readonly InventoryGroup[];
  /** Host → its own variables (`_meta.hostvars`, INI host-line `key=value`, YAML host maps). */
  readonly hostVars: ReadonlyMap<string, Vars>;
  /** Things Ansible would only warn about (an unexpected key in a YAML group), kept for the load's warnings. */
  readonly warnings?: readonly string[] | undefined;
  /** True when the hosts are already names (INI, YAML): no Pogo pattern expansion. */
  readonly literalHosts?: boolean | undefined;
}

/** The variables (with their legacy `ansible_ssh_*` spellings) that decide where Pogo connects. */
const CONNECT_VARS = {
  address: ['ansible_host', 'ansible_ssh_host'],
  port: ['ansible_port', 'ansible_ssh_port'],
  user: ['ansible_user', 'ansible_ssh_user'],
} as const;

/**
 * Per-host connection settings, with Ansible's precedence: the `all` group's vars, then the other groups
 * from the outermost to the innermost (by depth, then `ansible_group_priority`, then name), then the host's
 * own vars. Only hosts with at least one setting are in the result. A bad value → the reason, as a string.
 */
export function connectSettings(inventory: Inventory): Map<string, HostConnect> | string {
  const byName = new Map(inventory.groups.map((g) => [g.name, g]));
  const parents = new Map<string, string[]>();
  for (const g of inventory.groups) {
    for (const child of g.children) parents.set(child, [...(parents.get(child) ?? []), g.name]);
  }
  const depthMemo = new Map<string, number>();
  const depth = (name: string, seen: ReadonlySet<string> = new Set()): number => {
    const known = depthMemo.get(name);
    if (known !== undefined) return known;
    if (name === 'all' || seen.has(name)) return 0;
    const next = new Set([...seen, name]);
    const d = Math.max(0, ...(parents.get(name) ?? []).map((p) => depth(p, next))) + 1;
    depthMemo.set(name, d);
    return d;
  };
  const ancestorsMemo = new Map<string, readonly string[]>();
  const withAncestors = (name: string): readonly string[] => {
    const known = ancestorsMemo.get(name);
    if (known) return known;
    const out = new Set<string>();
    const stack = [name];
    while (stack.length > 0) {
      const g = stack.pop() as string;
      if (out.has(g)) continue;
      out.add(g);
      stack.push(...(parents.get(g) ?? []));
    }
    const list = [...out];
    ancestorsMemo.set(name, list);
    return list;
  };
  const groupsOf = new Map<string, Set<string>>();
  for (const g of inventory.groups) {
    for (const host of g.hosts) {
      const set = groupsOf.get(host) ?? new Set<string>();
      for (const a of withAncestors(g.name)) set.add(a);
      groupsOf.set(host, set);
    }
  }
  const priority = (name: string): number => Number(byName.get(name)?.vars?.ansible_group_priority ?? 1) || 1;
  const hosts = new Set([...groupsOf.keys(), ...inventory.hostVars.keys()]);
  const result = new Map<string, HostConnect>();
  for (const host of hosts) {
    const groups = [...(groupsOf.get(host) ?? [])];
    if (byName.has('all')) groups.push('all');
    const ordered = [...new Set(groups)].sort(
      (a, b) => depth(a) - depth(b) || priority(a) - priority(b) || (a < b ? -1 : a > b ? 1 : 0),
    );
    const merged: Record<string, unknown> = {};
    for (const g of ordered) Object.assign(merged, byName.get(g)?.vars ?? {});
    Object.assign(merged, inventory.hostVars.get(host) ?? {});
    const connect = hostConnectOf(host, merged);
    if (typeof connect === 'string') return connect;
    if (connect) result.set(host, connect);
  }
  return result;
}

/** The connection settings in one host's merged vars, undefined when there are none, or why they are bad. */
export function hostConnectOf(host: string, vars: Vars): HostConnect | undefined | string {
  const pick = (names: readonly string[]): [string, unknown] | undefined => {
    for (const name of names) if (vars[name] !== undefined && vars[name] !== null) return [name, vars[name]];
    return undefined;
  };
  const out: { address?: string; port?: number; user?: string } = {};
  const address = pick(CONNECT_VARS.address);
  const port = pick(CONNECT_VARS.port);
  const user = pick(CONNECT_VARS.user);
  for (const found of [address, user]) {
    if (found === undefined) continue;
    const [name, value] = found;
    if (typeof value !== 'string' || !/^[^\s'"`$\\{}]+$/.test(value) || value.startsWith('-')) {
      return `host ${host}: ${name} must be a name without spaces, quotes or templates, not ${JSON.stringify(value)}`;
    }
  }
  if (address) out.address = address[1] as string;
  if (user) out.user = user[1] as string;
  if (port) {
    const n = typeof port[1] === 'string' && /^\d+$/.test(port[1].trim()) ? Number(port[1]) : port[1];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
      return `host ${host}: ${port[0]} must be a port number from 1 to 65535, not ${JSON.stringify(port[1])}`;
    }
    out.port = n;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A group as a file parser collects it. */
export interface GroupParts {
  readonly hosts: readonly string[];
  readonly children: readonly string[];
  readonly vars: Vars;
}

/**
 * The groups of a parsed INI or YAML inventory with Ansible's implicit ones: `all` has every top-level group
 * and `ungrouped`; `ungrouped` has the hosts that are in no group but `all` (listed under `all`, or outside
 * any section).
 */
export function withImplicitGroups(groups: ReadonlyMap<string, GroupParts>): InventoryGroup[] {
  const named = [...groups.entries()].filter(([n]) => n !== 'all' && n !== 'ungrouped');
  const isChild = new Set(named.flatMap(([, g]) => g.children));
  const grouped = new Set(named.flatMap(([, g]) => g.hosts));
  const all = groups.get('all');
  const ungrouped = groups.get('ungrouped');
  const loose = [...new Set([...(all?.hosts ?? []), ...(ungrouped?.hosts ?? [])])].filter(
    (h) => !grouped.has(h),
  );
  return [
    {
      name: 'all',
      hosts: [],
      children: ['ungrouped', ...named.map(([n]) => n).filter((n) => !isChild.has(n))],
      vars: all?.vars ?? {},
    },
    { name: 'ungrouped', hosts: loose, children: [], vars: ungrouped?.vars ?? {} },
    ...named.map(([name, g]) => ({ name, hosts: g.hosts, children: g.children, vars: g.vars })),
  ];
}
