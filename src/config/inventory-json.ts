// Inventory JSON as command and HTTP sources print it: plain `{tag: [hosts]}` or Ansible `--list` output (with `_meta.hostvars`).
import { z } from 'zod';
import type { Inventory, Vars } from './inventory.ts';

const names = z.union([z.array(z.string().min(1)), z.record(z.string(), z.unknown())]);
const varsSchema = z.record(z.string(), z.unknown());
const groupSchema = z.union([
  z.array(z.string().min(1)),
  z.looseObject({ hosts: names.optional(), children: names.optional(), vars: varsSchema.optional() }),
]);
const inventorySchema = z.record(z.string(), groupSchema);
const metaSchema = z.looseObject({ hostvars: z.record(z.string(), varsSchema).optional() });

/**
 * The inventory of a plain `{tag: [hosts]}` or Ansible `--list` document: groups with their hosts, child
 * groups and `vars`, and host variables from `_meta.hostvars`. Anything else → the reason, as a string.
 */
export function parseInventoryJson(text: string): Inventory | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e: unknown) {
    return `it printed invalid JSON (${e instanceof Error ? e.message : String(e)})`;
  }
  let hostVars = new Map<string, Vars>();
  if (typeof data === 'object' && data !== null && !Array.isArray(data) && '_meta' in data) {
    const { _meta: meta, ...rest } = data as Record<string, unknown>;
    const parsedMeta = metaSchema.safeParse(meta);
    if (!parsedMeta.success) {
      return `its _meta is not {"hostvars": {host: {var: value}}}: ${z.prettifyError(parsedMeta.error)}`;
    }
    hostVars = new Map(Object.entries(parsedMeta.data.hostvars ?? {}));
    data = rest;
  }
  const parsed = inventorySchema.safeParse(data);
  if (!parsed.success) {
    return `its JSON is neither {tag: [hosts]} nor Ansible --list output: ${z.prettifyError(parsed.error)}`;
  }
  const listOf = (v: z.infer<typeof names> | undefined): string[] =>
    v === undefined ? [] : Array.isArray(v) ? v : Object.keys(v);
  for (const group of Object.values(parsed.data)) {
    // A host map (`"hosts": {"h1": {"ansible_port": 2222}}`) carries host vars as the YAML form does.
    if (Array.isArray(group) || group.hosts === undefined || Array.isArray(group.hosts)) continue;
    for (const [host, vars] of Object.entries(group.hosts)) {
      if (typeof vars === 'object' && vars !== null && !Array.isArray(vars)) {
        hostVars.set(host, { ...(vars as Vars), ...hostVars.get(host) });
      }
    }
  }
  const groups = Object.entries(parsed.data).map(([name, group]) =>
    Array.isArray(group)
      ? { name, hosts: group, children: [] }
      : { name, hosts: listOf(group.hosts), children: listOf(group.children), vars: group.vars },
  );
  return { groups, hostVars };
}
