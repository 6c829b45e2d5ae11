// The `tag:` tree → tag paths, their hosts (own + descendants, document order) and direct children.
import type { Node } from 'yaml';
import { dedupe } from './collections.ts';
import type { HostExpander } from './host-expander.ts';
import { loadTagSource, tagSourceCommand } from './tag-source.ts';
import type { InventoryGroup } from './tag-source.ts';
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
}

/** How to run external sources while building. */
export interface TagSourceSettings {
  readonly baseDir: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
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

const TAG_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
const NAME_HINT = 'tag names use letters, digits, "_" and "-"; dots separate levels (colo.east)';

/** True when `name` is a valid single tag name (one path segment). */
export function isTagName(name: string): boolean {
  return TAG_NAME.test(name);
}

/** Builds a TagTree from YAML nodes and external sources; paths keep insertion (document) order. */
export class TagTreeBuilder {
  private readonly drafts = new Map<string, Draft>();

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
    const command = tagSourceCommand(text);
    if (command === undefined) {
      this.setHosts(path, this.expander.expand(text, node, `tag ${path}`), node);
      return;
    }
    const groups = await loadTagSource(command, {
      cwd: this.sources.baseDir,
      timeoutMs: this.sources.timeoutMs,
      position: doc.positionOf(node),
      signal: this.sources.signal,
    });
    this.addGroups(path, groups, node, command);
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
    return { tags: ordered, tagChildren, own, hosts: dedupe([...own.values()].flat()) };
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

  /** Groups of an external source become children of `path`; Ansible child groups stay linked. */
  private addGroups(path: string, groups: readonly InventoryGroup[], at: Node | null, command: string): void {
    const { doc } = this;
    const context = `tag source "command ${command}"`;
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
    const node = this.draft(path);
    if (node.hostsAt !== undefined) this.mixed(path, at);
    node.childrenAt ??= at;
    const groupPath = (name: string): string => `${path}.${name}`;
    const all = [...groups.map((g) => g.name), ...groups.flatMap((g) => g.children)];
    for (const name of all) {
      node.children.add(groupPath(name));
      this.draft(groupPath(name));
    }
    for (const group of groups) {
      // Marked as given here, so a later static definition of the same path is reported, not merged.
      const draft = this.draft(groupPath(group.name));
      if (draft.hostsAt !== undefined) this.mixed(groupPath(group.name), at);
      draft.hostsAt = at;
      draft.childrenAt = at;
      draft.own = dedupe(group.hosts.flatMap((h) => this.expander.expand(h, at, context)));
      for (const child of group.children) draft.children.add(groupPath(child));
    }
  }
}
