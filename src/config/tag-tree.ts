// The `tag:` tree → tag paths, their hosts (own + descendants, document order) and direct children.
import type { Node } from 'yaml';
import { dedupe } from './collections.ts';
import { TAG_NAME_HINT, isTagName } from './tag-name.ts';
import type { HostExpander } from './host-expander.ts';
import { connectSettings } from './inventory.ts';
import type { Inventory } from './inventory.ts';
import { describeTagSource, loadTagSource, parseTagSource } from './tag-source.ts';
import type { HostConnect } from '../model/config.ts';
import { describeNode, entriesOf, itemsOf, kindOf, scalarText } from './yaml-doc.ts';
import type { ConfigDoc } from './yaml-doc.ts';

/** Tags after expansion: what NamespaceConfig exposes, plus each tag's own hosts. */
export interface TagTree {
  /** Path → hosts of the tag and all its descendants, document order, no duplicates. */
  readonly tags: ReadonlyMap<string, readonly string[]>;
  /** Path → direct child paths. */
  readonly tagChildren: ReadonlyMap<string, readonly string[]>;
  /** Path → hosts written directly on the tag (non-empty only for leaves, or Ansible groups with children). */
  readonly own: ReadonlyMap<string, readonly string[]>;
  /** Every host of every tag, first appearance first. */
  readonly hosts: readonly string[];
  /** Host → connection settings from inventory sources (a later source overrides an earlier one). */
  readonly connect: ReadonlyMap<string, HostConnect>;
  /** What the sources warned about (a cached copy used for a source that is down). */
  readonly warnings: readonly string[];
}

/** How to run external sources while building. */
export interface TagSourceSettings {
  readonly baseDir: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  /** Where `http` sources keep their copies across processes (memory only without it). */
  readonly cacheDir?: string | undefined;
  readonly httpMaxBytes?: number | undefined;
}

interface Draft {
  own: string[];
  /** Child paths in insertion order. */
  children: Set<string>;
  /** Where hosts were given, when they were (to report a second definition). */
  hostsAt?: Node | null;
  /** Where sub-tags were given, when they were. */
  childrenAt?: Node | null;
}

const NAME_HINT = TAG_NAME_HINT;

/** Builds a TagTree from YAML nodes and external sources; paths keep insertion (document) order. */
export class TagTreeBuilder {
  private readonly drafts = new Map<string, Draft>();
  private readonly connect = new Map<string, HostConnect>();
  private readonly warnings: string[] = [];

  constructor(
    private readonly doc: ConfigDoc,
    private readonly expander: HostExpander,
    private readonly sources: TagSourceSettings,
  ) {}

  /** Add the tag node `node` at `path` (`''` for the top of `tag:`). */
  async add(node: Node | null, path: string): Promise<void> {
    const { doc } = this;
    const kind = kindOf(node);
    if (kind === 'null') {
      if (path) this.draft(path);
      return;
    }
    if (kind === 'map') {
      for (const { key, keyNode, value } of entriesOf(doc, node))
        await this.addChild(path, key, keyNode, value);
      return;
    }
    if (!path) {
      throw doc.error(
        'CONFIG_INVALID_VALUE',
        `"tag" must be a map of tag names, not ${describeNode(node)}`,
        node,
        'write tag: { name: [host, …] }',
      );
    }
    if (kind === 'seq') {
      const hosts = itemsOf(doc, node).flatMap((item) => {
        const text = scalarText(item);
        if (text === undefined) {
          throw doc.error(
            'CONFIG_INVALID_VALUE',
            `tag ${path}: expected a host pattern, got ${describeNode(item)}`,
            item,
            'list host names or patterns such as web[01-04].example.com',
          );
        }
        return this.expander.expand(text, item, `tag ${path}`);
      });
      this.setHosts(path, hosts, node);
      return;
    }
    const text = scalarText(node) ?? '';
    const source = parseTagSource(text, doc.positionOf(node));
    if (source === undefined) {
      this.setHosts(path, this.expander.expand(text, node, `tag ${path}`), node);
      return;
    }
    const inventory = await loadTagSource(source, {
      cwd: this.sources.baseDir,
      timeoutMs: this.sources.timeoutMs,
      position: doc.positionOf(node),
      signal: this.sources.signal,
      cacheDir: this.sources.cacheDir,
      httpMaxBytes: this.sources.httpMaxBytes,
      warn: (message) => this.warnings.push(message),
    });
    this.addGroups(path, inventory, node, describeTagSource(source));
  }

  /** Add `key: value` under `parent`; a dotted key (`colo.mexico`) equals nested keys and merges with them. */
  async addChild(parent: string, key: string, keyNode: Node, value: Node | null): Promise<void> {
    const segments = key.split('.');
    if (!segments.every(isTagName)) {
      const hint = key.startsWith('$')
        ? 'write tag names without "$" here; $tag refers to a tag elsewhere'
        : NAME_HINT;
      throw this.doc.error('CONFIG_INVALID_VALUE', `invalid tag name "${key}"`, keyNode, hint);
    }
    let path = parent;
    for (const segment of segments) path = this.link(path, segment, keyNode);
    await this.add(value, path);
  }

  /** The finished tree. */
  finish(): TagTree {
    const tags = new Map<string, readonly string[]>();
    const visiting = new Set<string>();
    let cuts = 0; // cycles cut so far (Ansible children can loop): a result that cut one is not cached
    const hostsOf = (path: string): readonly string[] => {
      const done = tags.get(path);
      if (done) return done;
      if (visiting.has(path)) {
        cuts += 1;
        return [];
      }
      visiting.add(path);
      const before = cuts;
      const draft = this.drafts.get(path);
      const own = draft?.own ?? [];
      const children = [...(draft?.children ?? [])];
      const hosts = children.length === 0 ? own : dedupe([...own, ...children.flatMap(hostsOf)]);
      visiting.delete(path);
      if (cuts === before) tags.set(path, hosts);
      return hosts;
    };
    const ordered = new Map<string, readonly string[]>();
    const tagChildren = new Map<string, readonly string[]>();
    const own = new Map<string, readonly string[]>();
    for (const [path, draft] of this.drafts) {
      ordered.set(path, hostsOf(path));
      tagChildren.set(path, [...draft.children]);
      own.set(path, draft.own);
    }
    return {
      tags: ordered,
      tagChildren,
      own,
      hosts: dedupe([...own.values()].flat()),
      connect: this.connect,
      warnings: this.warnings,
    };
  }

  private draft(path: string): Draft {
    let draft = this.drafts.get(path);
    if (!draft) {
      draft = { own: [], children: new Set() };
      this.drafts.set(path, draft);
    }
    return draft;
  }

  /** Make `parent.segment` a child of `parent` (merging with an existing one) and return its path. */
  private link(parent: string, segment: string, at: Node): string {
    const path = parent ? `${parent}.${segment}` : segment;
    if (parent) {
      const draft = this.draft(parent);
      if (draft.hostsAt !== undefined) this.mixed(parent, at);
      draft.childrenAt ??= at;
      draft.children.add(path);
    }
    this.draft(path);
    return path;
  }

  private setHosts(path: string, hosts: string[], at: Node | null): void {
    const draft = this.draft(path);
    if (draft.hostsAt !== undefined) {
      const first = this.doc.positionOf(draft.hostsAt);
      throw this.doc.error(
        'CONFIG_DUPLICATE_KEY',
        `tag ${path} is given hosts twice (first at line ${first.line})`,
        at,
        'merge the two host lists into one',
      );
    }
    if (draft.childrenAt !== undefined) this.mixed(path, at);
    draft.hostsAt = at;
    draft.own = dedupe(hosts);
  }

  private mixed(path: string, at: Node | null): never {
    throw this.doc.error(
      'CONFIG_INVALID_VALUE',
      `tag ${path} has both hosts and sub-tags`,
      at,
      `a tag is a list of hosts or a map of sub-tags: move the hosts under a sub-tag such as ${path}.other`,
    );
  }

  /** Groups of an external source become children of `path`; Ansible child groups stay linked; host vars give connect settings. */
  private addGroups(path: string, inventory: Inventory, at: Node | null, source: string): void {
    const { doc } = this;
    const context = `tag source "${source}"`;
    const { groups } = inventory;
    for (const group of groups) {
      for (const name of [group.name, ...group.children]) {
        if (!isTagName(name)) {
          throw doc.error(
            'CONFIG_TAG_SOURCE_FAILED',
            `${context} failed: group "${name}" is not a valid tag name`,
            at,
            NAME_HINT,
          );
        }
      }
    }
    this.warnings.push(...(inventory.warnings ?? []));
    const node = this.draft(path);
    if (node.hostsAt !== undefined) this.mixed(path, at);
    node.childrenAt ??= at;
    const groupPath = (name: string): string => `${path}.${name}`;
    const all = [...groups.map((g) => g.name), ...groups.flatMap((g) => g.children)];
    for (const name of all) {
      node.children.add(groupPath(name));
      this.draft(groupPath(name));
    }
    const expanded = groups.map((group) => ({
      ...group,
      hosts: inventory.literalHosts
        ? this.expander.literal(group.hosts, at, context)
        : group.hosts.flatMap((h) => this.expander.expand(h, at, context)),
    }));
    for (const group of expanded) {
      // Marked as given here, so a later static definition of the same path is reported, not merged.
      const draft = this.draft(groupPath(group.name));
      if (draft.hostsAt !== undefined) this.mixed(groupPath(group.name), at);
      draft.hostsAt = at;
      draft.childrenAt = at;
      draft.own = dedupe(group.hosts);
      for (const child of group.children) draft.children.add(groupPath(child));
    }
    const connect = connectSettings({ ...inventory, groups: expanded });
    if (typeof connect === 'string') {
      throw doc.error(
        'CONFIG_TAG_SOURCE_FAILED',
        `${context} failed: ${connect}`,
        at,
        'fix the variable in the inventory',
      );
    }
    for (const [host, settings] of connect) this.connect.set(host, settings);
  }
}
