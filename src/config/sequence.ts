// The `sequence:` section → chains of stages (list form, named and `$scope` map form, literal hosts).
import type { Node } from 'yaml';
import type { Chain, ChainStage } from '../model/config.ts';
import { claimId, intersect } from './collections.ts';
import type { HostExpander } from './host-expander.ts';
import { lookupTag, splitIntersection } from './tag-ref.ts';
import type { TagHosts } from './tag-ref.ts';
import { describeNode, entriesOf, itemsOf, kindOf, scalarText } from './yaml-doc.ts';
import type { ConfigDoc } from './yaml-doc.ts';

/** Chains of a `sequence:` section and the hosts it names literally (not through a tag). */
export interface ParsedSequences {
  readonly chains: readonly Chain[];
  readonly literalHosts: readonly string[];
}

/** Path to a chain: names (`foo`) and scopes (`$frontend`) from the enclosing map keys. */
interface ChainPath {
  readonly parts: readonly string[];
  /** Host sets of the `$scope` keys on the path: every stage is intersected with each. */
  readonly scopes: readonly (readonly string[])[];
}

const LIST_HINT = 'write a list of entries ([$a, $b]), a list of such lists, or a map of name: [entries]';

/** Reads one `sequence:` section against the config's tags. */
export class SequenceParser {
  private readonly chains: Chain[] = [];
  private readonly literalHosts: string[] = [];
  private readonly ids = new Set<string>();
  private anonymous = 0;

  constructor(
    private readonly doc: ConfigDoc,
    private readonly tags: TagHosts,
    private readonly expander: HostExpander,
  ) {}

  /** Parse the section's value node. */
  parse(node: Node | null): ParsedSequences {
    this.walk(node, { parts: [], scopes: [] });
    return { chains: this.chains, literalHosts: this.literalHosts };
  }

  private walk(node: Node | null, path: ChainPath): void {
    const { doc } = this;
    const kind = kindOf(node);
    if (kind === 'null') return;
    if (kind === 'map') {
      for (const { key, keyNode, value } of entriesOf(doc, node)) {
        if (key.startsWith('$')) {
          const scope = this.tagHosts(key, keyNode);
          this.walk(value, { parts: [...path.parts, key], scopes: [...path.scopes, scope] });
        } else if (/^[^\s&,!@]+$/.test(key)) {
          this.walk(value, { parts: [...path.parts, key], scopes: path.scopes });
        } else {
          throw doc.error(
            'CONFIG_INVALID_VALUE',
            `invalid sequence name "${key}"`,
            keyNode,
            'name a sequence with letters, digits, ".", "_" or "-", or scope it with $tag',
          );
        }
      }
      return;
    }
    if (kind !== 'seq') {
      throw doc.error(
        'CONFIG_INVALID_VALUE',
        `a sequence must be a list or a map, not ${describeNode(node)}`,
        node,
        LIST_HINT,
      );
    }
    const items = itemsOf(doc, node);
    const nested = items.map((item) => ['seq', 'map'].includes(kindOf(item)));
    if (nested.length > 0 && nested.every(Boolean)) {
      for (const item of items) this.walk(item, path);
      return;
    }
    const odd = items.find((item, i) => nested[i] === true || scalarText(item) === undefined);
    if (odd !== undefined) {
      throw doc.error(
        'CONFIG_INVALID_VALUE',
        `a sequence list holds entries ($tag or host) or lists, not ${describeNode(odd)} mixed with them`,
        odd,
        LIST_HINT,
      );
    }
    if (path.parts.length === 0 && items.length === 0) return;
    this.chains.push(this.chain(node, items, path));
  }

  private chain(node: Node | null, items: readonly (Node | null)[], path: ChainPath): Chain {
    const prefix = path.parts.join('.');
    const id = prefix ? claimId(prefix, this.ids, '-') : claimId(`thread-${++this.anonymous}`, this.ids, '-');
    const seen = new Set<string>();
    const stages = items.map((item): ChainStage => {
      const entry = (scalarText(item) ?? '').trim();
      const isTagEntry = entry.startsWith('$');
      // A host belongs to the first stage that names it in this chain.
      const hosts = intersect(this.entryHosts(entry, item), path.scopes).filter((h) => !seen.has(h));
      for (const host of hosts) seen.add(host);
      return { label: isTagEntry && prefix ? `${prefix}.${entry}` : entry, hosts };
    });
    return { id, stages, position: this.doc.positionOf(node) };
  }

  /** Hosts of one entry: `$tag`, a host or pattern, or an intersection of those. */
  private entryHosts(entry: string, node: Node | null): readonly string[] {
    const terms = splitIntersection(entry);
    if (terms.some((t) => t === '')) {
      throw this.doc.error(
        'CONFIG_INVALID_VALUE',
        `empty term in sequence entry "${entry}"`,
        node,
        'write $tag, a host, or $a&$b',
      );
    }
    const lists = terms.map((term) =>
      term.startsWith('$') ? this.tagHosts(term, node) : this.expander.expand(term, node, 'sequence entry'),
    );
    const hosts = intersect(lists[0] ?? [], lists.slice(1));
    // Hosts named only here (not through a tag) still belong to the config.
    if (terms.some((t) => !t.startsWith('$'))) this.literalHosts.push(...hosts);
    return hosts;
  }

  private tagHosts(ref: string, node: Node | null): readonly string[] {
    try {
      return lookupTag(this.tags, ref);
    } catch (e: unknown) {
      return this.doc.rethrowAt(e, node, 'sequence');
    }
  }
}
