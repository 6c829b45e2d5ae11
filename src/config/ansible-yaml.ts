// Ansible YAML inventories (`all: {hosts: {h: vars}, vars: {…}, children: {g: …}}`) → Inventory.
import { LineCounter, isMap, isScalar, parseDocument } from 'yaml';
import type { Node } from 'yaml';
import { PogoError } from '../model/errors.ts';
import { expandAnsibleRange, splitHostPort } from './ansible-range.ts';
import { withImplicitGroups } from './inventory.ts';
import type { Inventory } from './inventory.ts';
import { isTagName } from './tag-name.ts';

interface DraftGroup {
  readonly hosts: string[];
  /** `hosts` as a set: a group of 100,000 hosts is read in linear time. */
  readonly seen: Set<string>;
  readonly children: string[];
  readonly vars: Record<string, unknown>;
}

const GROUP_KEYS = ['hosts', 'vars', 'children'] as const;

/**
 * Parse an Ansible YAML inventory as Ansible's `yaml` plugin does: the top level maps group names to
 * groups; a group has `hosts` (host → vars or nothing; ranges `web[01:20]`, `name:port`), `vars` and
 * `children` (child group → group). A group may appear several times; its parts merge. Hosts in no group
 * but `all` are `ungrouped`. Errors are CONFIG_INVENTORY_INVALID at `file:line:column`.
 */
export function parseAnsibleYaml(text: string, file: string): Inventory {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (node: Node | null | undefined, offset = node?.range?.[0] ?? 0): PogoError['position'] => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const fail = (message: string, node: Node | null | undefined, hint: string, offset?: number): PogoError => {
    const position = at(node, offset);
    return new PogoError('CONFIG_INVENTORY_INVALID', `${file}:${position?.line ?? 1}: ${message}`, {
      position,
      hint,
    });
  };
  const syntax = doc.errors[0];
  if (syntax) throw fail(syntax.message, null, 'check indentation and colons near this line', syntax.pos[0]);
  const groups = new Map<string, DraftGroup>();
  const hostVars = new Map<string, Record<string, unknown>>();
  const warnings: string[] = [];
  const group = (name: string): DraftGroup => {
    let g = groups.get(name);
    if (!g) {
      g = { hosts: [], seen: new Set<string>(), children: [], vars: {} };
      groups.set(name, g);
    }
    return g;
  };
  const nameOf = (node: unknown): string => {
    const key = isScalar(node) ? node.value : undefined;
    if (typeof key === 'string' || typeof key === 'number') return String(key);
    throw fail('expected a name here', node as Node, 'write names as plain text');
  };
  const addGroup = (name: string, nameNode: Node, node: unknown, depth: number): void => {
    if (!isTagName(name)) {
      throw fail(
        `group name "${name}" cannot be a tag name`,
        nameNode,
        'group names become tags: letters, digits, "_" and "-"',
      );
    }
    if (depth > 100)
      throw fail(`groups nest more than 100 deep at ${name}`, nameNode, 'check children for a loop');
    const g = group(name);
    if (node === null || node === undefined || (isScalar(node) && node.value === null)) return;
    if (!isMap(node))
      throw fail(
        `group ${name} must be a map of hosts, vars and children`,
        node as Node,
        'indent hosts:, vars: and children: under the group',
      );
    for (const pair of node.items) {
      const key = nameOf(pair.key);
      const value = pair.value as Node | null;
      if (!(GROUP_KEYS as readonly string[]).includes(key)) {
        warnings.push(
          `${file}: group ${name}: unexpected key "${key}" skipped (only hosts, vars and children are read)`,
        );
        continue;
      }
      if (value === null || (isScalar(value) && value.value === null)) continue;
      if (!isMap(value))
        throw fail(`${key} of group ${name} must be a map`, value, `write ${key}: as "name: value" lines`);
      if (key === 'vars') Object.assign(g.vars, value.toJSON() as Record<string, unknown>);
      else if (key === 'children') {
        for (const child of value.items) {
          const childName = nameOf(child.key);
          if (!g.children.includes(childName)) g.children.push(childName);
          addGroup(childName, child.key as Node, child.value, depth + 1);
        }
      } else {
        for (const host of value.items)
          addHosts(g, nameOf(host.key), host.key as Node, host.value as Node | null);
      }
    }
  };
  const addHosts = (g: DraftGroup, pattern: string, keyNode: Node, varsNode: Node | null): void => {
    const split = splitHostPort(pattern);
    if (typeof split === 'string') throw fail(split, keyNode, 'write host, host:port or [ipv6]:port');
    const names = expandAnsibleRange(split.host);
    if (typeof names === 'string')
      throw fail(names, keyNode, 'write ranges as web[01:20] or db-[a:f] (ascending)');
    let vars: Record<string, unknown> = {};
    if (varsNode !== null && !(isScalar(varsNode) && varsNode.value === null)) {
      if (!isMap(varsNode))
        throw fail(
          `host ${pattern}: its variables must be a map`,
          varsNode,
          'write "key: value" lines under the host',
        );
      vars = varsNode.toJSON() as Record<string, unknown>;
    }
    if (split.port !== undefined) vars = { ansible_port: split.port, ...vars };
    for (const name of names) {
      if (!g.seen.has(name)) {
        g.seen.add(name);
        g.hosts.push(name);
      }
      hostVars.set(name, { ...hostVars.get(name), ...vars });
    }
  };
  const root = doc.contents;
  if (root !== null && !(isScalar(root) && root.value === null)) {
    if (!isMap(root))
      throw fail('an Ansible YAML inventory is a map of groups (all: …)', root, 'start the file with all:');
    for (const pair of root.items) addGroup(nameOf(pair.key), pair.key, pair.value, 0);
  }
  for (const [name, g] of groups) {
    for (const child of g.children) {
      if (child === name) throw fail(`group ${name} is its own child`, null, 'remove it from its children');
    }
  }
  return { groups: withImplicitGroups(groups), hostVars, warnings, literalHosts: true };
}
