// The pogo-4.0 namespace form (apps / envs / constraints) mapped onto tags, chains and groups.
import type { Node } from 'yaml';
import type { Chain, ConstraintGroup } from '../model/config.ts';
import { claimId, intersect } from './collections.ts';
import { makeGroup, readLimit } from './constraint.ts';
import { suggestionHint } from './suggest.ts';
import { isTagName } from './tag-name.ts';
import type { TagTree, TagTreeBuilder } from './tag-tree.ts';
import { describeNode, entriesOf, itemsOf, kindOf, scalarText } from './yaml-doc.ts';
import type { ConfigDoc, MapEntry } from './yaml-doc.ts';

/** What the 4.0 form contributes to a NamespaceConfig. */
export interface LegacyConfig {
  readonly tree: TagTree;
  readonly chains: readonly Chain[];
  readonly groups: readonly ConstraintGroup[];
}

const TYPE_KEYS = ['concurrency', 'sequence'] as const;

/** Build tags `apps.<app>` and `envs.<type>.<value>`, then groups and chains from `constraints`. */
export async function parseLegacyForm(
  doc: ConfigDoc,
  sections: ReadonlyMap<string, MapEntry>,
  builder: TagTreeBuilder,
): Promise<LegacyConfig> {
  for (const { key, keyNode, value } of mapEntries(doc, sections.get('apps')?.value ?? null, 'apps')) {
    checkName(doc, key, keyNode, 'app');
    await builder.addChild('apps', key, keyNode, hostList(doc, value, `app ${key}`));
  }
  for (const { key, keyNode, value } of mapEntries(doc, sections.get('envs')?.value ?? null, 'envs')) {
    checkName(doc, key, keyNode, 'env type');
    await builder.addChild('envs', key, keyNode, null);
    for (const env of mapEntries(doc, value, `env type ${key}`)) {
      checkName(doc, env.key, env.keyNode, 'env value');
      const hosts = hostList(doc, env.value, `env ${key}.${env.key}`);
      await builder.addChild(`envs.${key}`, env.key, env.keyNode, hosts);
    }
  }
  const tree = builder.finish();
  const rules = new LegacyRules(doc, tree);
  for (const entry of mapEntries(doc, sections.get('constraints')?.value ?? null, 'constraints')) {
    rules.add(entry);
  }
  return { tree, chains: rules.chains, groups: rules.groups };
}

/** One env value of an env type: its name and hosts. */
interface EnvValue {
  readonly name: string;
  readonly hosts: readonly string[];
}

/** The `constraints:` rules of each env type, applied within each of its values. */
class LegacyRules {
  readonly chains: Chain[] = [];
  readonly groups: ConstraintGroup[] = [];
  private readonly chainIds = new Set<string>();
  private readonly groupIds = new Set<string>();
  private readonly appNames: string[];

  constructor(
    private readonly doc: ConfigDoc,
    private readonly tree: TagTree,
  ) {
    this.appNames = (tree.tagChildren.get('apps') ?? []).map((p) => p.slice('apps.'.length));
  }

  /** `TYPE: { concurrency: [...], sequence: [[...]] }`. */
  add({ key: type, keyNode, value }: MapEntry): void {
    const { doc, tree } = this;
    const envTypes = (tree.tagChildren.get('envs') ?? []).map((p) => p.slice('envs.'.length));
    if (!envTypes.includes(type)) {
      const hint = suggestionHint(type, envTypes);
      throw doc.error('CONFIG_UNKNOWN_TAG', `constraints for unknown env type "${type}"`, keyNode, hint);
    }
    const values = (tree.tagChildren.get(`envs.${type}`) ?? []).map((p) => ({
      name: p.slice(`envs.${type}.`.length),
      hosts: tree.tags.get(p) ?? [],
    }));
    for (const rule of mapEntries(doc, value, `constraints.${type}`)) {
      if (rule.key === 'concurrency') this.concurrency(type, values, rule.value);
      else if (rule.key === 'sequence') this.sequences(type, values, rule.value);
      else {
        const hint = suggestionHint(rule.key, TYPE_KEYS);
        throw doc.error(
          'CONFIG_UNKNOWN_KEY',
          `unknown key "${rule.key}" in constraints.${type}`,
          rule.keyNode,
          hint,
        );
      }
    }
  }

  /** `[{app: N | N%}]` → a group per env value and entry: app ∩ value. */
  private concurrency(type: string, values: readonly EnvValue[], node: Node | null): void {
    const { doc } = this;
    const limits = listOf(
      doc,
      node,
      `constraints.${type}.concurrency`,
      'a list of { app: N | N% } maps',
    ).flatMap((item) => {
      if (kindOf(item) !== 'map') {
        const message = `concurrency entries must be maps, not ${describeNode(item)}`;
        throw doc.error('CONFIG_INVALID_VALUE', message, item, 'write - { frontend: 25% }');
      }
      return entriesOf(doc, item).map((e) => ({
        app: e.key,
        hosts: this.appHosts(e.key, e.keyNode),
        node: e.keyNode,
        spec: readLimit(doc, e.value, `concurrency of ${e.key}`, true),
      }));
    });
    for (const env of values) {
      for (const { app, hosts, node: at, spec } of limits) {
        const id = `${app}&${type}.${env.name}`;
        const label = `$apps.${app} ∩ $envs.${type}.${env.name}`;
        const inside = intersect(hosts, [env.hosts]);
        const group = makeGroup({ id, label, spec, hosts: inside, node: at }, doc, this.groupIds);
        if (group) this.groups.push(group);
      }
    }
  }

  /** `[[a, b, c]]` → per list and env value, a chain of app ∩ value stages. */
  private sequences(type: string, values: readonly EnvValue[], node: Node | null): void {
    const { doc } = this;
    const where = `constraints.${type}.sequence`;
    for (const list of listOf(doc, node, where, 'a list of app lists')) {
      const apps = listOf(doc, list, where, 'a list of app names such as [backend, frontend]').map((item) => {
        const name = scalarText(item);
        if (name === undefined) {
          const message = `expected an app name, not ${describeNode(item)}`;
          throw doc.error(
            'CONFIG_INVALID_VALUE',
            message,
            item,
            'list app names such as [backend, frontend]',
          );
        }
        return { name, hosts: this.appHosts(name, item) };
      });
      if (apps.length < 2) {
        const message = 'a 4.0 sequence orders at least two apps';
        throw doc.error('CONFIG_INVALID_VALUE', message, list, 'write [first_app, second_app, …]');
      }
      for (const env of values) {
        const seen = new Set<string>(); // a host belongs to its first stage in the chain
        const stages = apps.map((app) => {
          const hosts = intersect(app.hosts, [env.hosts]).filter((h) => !seen.has(h));
          for (const h of hosts) seen.add(h);
          return { label: `$apps.${app.name}.$envs.${type}.${env.name}`, hosts };
        });
        const id = claimId(`${type}.${env.name}`, this.chainIds, '-');
        this.chains.push({ id, stages, position: doc.positionOf(list) });
      }
    }
  }

  private appHosts(name: string, node: Node | null): readonly string[] {
    const hosts = this.tree.tags.get(`apps.${name}`);
    if (hosts) return hosts;
    throw this.doc.error(
      'CONFIG_UNKNOWN_TAG',
      `unknown app "${name}"`,
      node,
      suggestionHint(name, this.appNames),
    );
  }
}

function mapEntries(doc: ConfigDoc, node: Node | null, where: string): MapEntry[] {
  const kind = kindOf(node);
  if (kind === 'null') return [];
  if (kind !== 'map') {
    throw doc.error(
      'CONFIG_INVALID_VALUE',
      `${where} must be a map, not ${describeNode(node)}`,
      node,
      'see docs/config.md, "The 4.0 form"',
    );
  }
  return entriesOf(doc, node);
}

function listOf(doc: ConfigDoc, node: Node | null, where: string, shape: string): (Node | null)[] {
  const kind = kindOf(node);
  if (kind === 'null') return [];
  if (kind !== 'seq')
    throw doc.error(
      'CONFIG_INVALID_VALUE',
      `${where} must be ${shape}, not ${describeNode(node)}`,
      node,
      `write ${shape}`,
    );
  return itemsOf(doc, node);
}

/** A host list (or single pattern, or nothing); maps are refused so apps and envs stay flat. */
function hostList(doc: ConfigDoc, node: Node | null, what: string): Node | null {
  if (kindOf(node) === 'map') {
    throw doc.error(
      'CONFIG_INVALID_VALUE',
      `${what} must be a list of host patterns, not a map`,
      node,
      'write [web[01-04].example.com, …]',
    );
  }
  return node;
}

function checkName(doc: ConfigDoc, name: string, node: Node, what: string): void {
  if (!isTagName(name)) {
    throw doc.error(
      'CONFIG_INVALID_VALUE',
      `invalid ${what} name "${name}"`,
      node,
      'use letters, digits, "_" and "-" (no dots)',
    );
  }
}
