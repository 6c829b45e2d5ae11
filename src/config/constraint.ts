// The `constraint:` section → constraint groups (per-value for tags with sub-tags, percent of each group).
import type { Node } from 'yaml';
import type { ConstraintGroup } from '../model/config.ts';
import { parseLimit, resolveLimit } from '../model/limit.ts';
import type { LimitSpec } from '../model/limit.ts';
import { claimId } from './collections.ts';
import { lookupTag } from './tag-ref.ts';
import type { TagTree } from './tag-tree.ts';
import { suggestionHint } from './suggest.ts';
import { describeNode, entriesOf, kindOf, scalarText } from './yaml-doc.ts';
import type { ConfigDoc } from './yaml-doc.ts';

const LIMIT_HINT = 'write a whole number of hosts (at least 1) or a percentage such as 25%';
const PERCENT_HINT = 'write a percentage as N% with 0 < N ≤ 100, e.g. 25%';
const CONSTRAINT_KEYS = ['max_parallel'] as const;

/**
 * A limit node: `3`, `"3"`, `25%`. Classic form: a malformed or out-of-range percent → CONFIG_BAD_PERCENT,
 * any other bad value → CONFIG_INVALID_VALUE. The 4.0 form (`strict4`) takes only `^\d+$|^\d+%$`.
 */
export function readLimit(doc: ConfigDoc, node: Node | null, what: string, strict4 = false): LimitSpec {
  const text = scalarText(node)?.trim();
  if (strict4 && (text === undefined || !/^\d+$|^\d+%$/.test(text))) {
    throw doc.error(
      'CONFIG_BAD_PERCENT',
      `${what}: "${text ?? describeNode(node)}" is not N or N%`,
      node,
      LIMIT_HINT,
    );
  }
  if (text === undefined) {
    throw doc.error(
      'CONFIG_INVALID_VALUE',
      `${what} must be a number or a percentage, not ${describeNode(node)}`,
      node,
      LIMIT_HINT,
    );
  }
  const spec = parseLimit(text);
  if (text.includes('%')) {
    if (spec?.kind !== 'percent' || spec.value <= 0) {
      throw doc.error(
        'CONFIG_BAD_PERCENT',
        `${what}: "${text}" is not a percentage in (0, 100]`,
        node,
        PERCENT_HINT,
      );
    }
    return spec;
  }
  if (spec?.kind !== 'count' || spec.value < 1) {
    throw doc.error(
      'CONFIG_INVALID_VALUE',
      `${what}: "${text}" is not a whole number of at least 1`,
      node,
      LIMIT_HINT,
    );
  }
  return spec;
}

/** A group for `hosts`, its limit resolved against their count; undefined when there are no hosts. */
export function makeGroup(
  base: { id: string; label: string; spec: LimitSpec; hosts: readonly string[]; node: Node | null },
  doc: ConfigDoc,
  ids: Set<string>,
): ConstraintGroup | undefined {
  if (base.hosts.length === 0) return undefined;
  return {
    id: claimId(base.id, ids, '#'),
    label: base.label,
    spec: base.spec,
    limit: resolveLimit(base.spec, base.hosts.length),
    hosts: base.hosts,
    position: doc.positionOf(base.node),
  };
}

/** Parse `constraint:`: `$tag: N | N% | { max_parallel: N | N% }`. */
export function parseConstraints(doc: ConfigDoc, node: Node | null, tree: TagTree): ConstraintGroup[] {
  const kind = kindOf(node);
  if (kind === 'null') return [];
  if (kind !== 'map') {
    throw doc.error(
      'CONFIG_INVALID_VALUE',
      `"constraint" must be a map, not ${describeNode(node)}`,
      node,
      'write constraint: { $tag: { max_parallel: N } }',
    );
  }
  const ids = new Set<string>();
  const groups: ConstraintGroup[] = [];
  for (const { key, keyNode, value } of entriesOf(doc, node)) {
    if (!key.startsWith('$')) {
      throw doc.error(
        'CONFIG_INVALID_VALUE',
        `constraint key "${key}" is not a tag reference`,
        keyNode,
        `write $${key}`,
      );
    }
    try {
      lookupTag(tree.tags, key);
    } catch (e: unknown) {
      doc.rethrowAt(e, keyNode, 'constraint');
    }
    const spec = readLimit(doc, limitNode(doc, value, key), `max_parallel of ${key}`);
    const path = key.slice(1);
    for (const part of valueGroups(tree, path)) {
      const group = makeGroup({ ...part, label: `$${part.id}`, spec, node: keyNode }, doc, ids);
      if (group) groups.push(group);
    }
  }
  return groups;
}

/** The `max_parallel` node of a constraint value (the value itself for the shorthand `$tag: N`). */
function limitNode(doc: ConfigDoc, value: Node | null, key: string): Node | null {
  if (kindOf(value) !== 'map') return value;
  let found: Node | null | undefined;
  for (const entry of entriesOf(doc, value)) {
    if (entry.key !== 'max_parallel') {
      const hint = suggestionHint(entry.key, CONSTRAINT_KEYS);
      throw doc.error(
        'CONFIG_UNKNOWN_KEY',
        `unknown key "${entry.key}" in constraint ${key}`,
        entry.keyNode,
        hint,
      );
    }
    found = entry.value;
  }
  if (found === undefined) {
    throw doc.error(
      'CONFIG_INVALID_VALUE',
      `constraint ${key} has no max_parallel`,
      value,
      'write { max_parallel: N } or N%',
    );
  }
  return found;
}

/**
 * The host sets one constraint on `path` limits: each direct child's hosts (per value), plus the
 * tag's own hosts when it has both (Ansible groups); a leaf is one set.
 */
function valueGroups(tree: TagTree, path: string): { id: string; hosts: readonly string[] }[] {
  const children = tree.tagChildren.get(path) ?? [];
  if (children.length === 0) return [{ id: path, hosts: tree.tags.get(path) ?? [] }];
  const parts = children.map((child) => ({ id: child, hosts: tree.tags.get(child) ?? [] }));
  const own = tree.own.get(path) ?? [];
  return own.length > 0 ? [...parts, { id: path, hosts: own }] : parts;
}
