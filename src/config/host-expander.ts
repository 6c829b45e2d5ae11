// Expands the host patterns of one config against a shared budget, reporting errors at the pattern's node.
import type { Node } from 'yaml';
import { PogoError } from '../model/errors.ts';
import { countPattern, expandPattern } from './pattern.ts';
import type { ConfigDoc } from './yaml-doc.ts';

/**
 * Every pattern of a config draws from one budget of `maxHosts` names (counted before de-duplication),
 * so a thousand patterns of 999,999 hosts each fail as surely as one pattern of a billion.
 */
export class HostExpander {
  private used = 0;

  constructor(
    private readonly doc: ConfigDoc,
    private readonly maxHosts: number,
  ) {}

  /** Host names taken as they are (from an Ansible file, already expanded), counted against the same budget. */
  literal(hosts: readonly string[], node: Node | null, context: string): string[] {
    if (this.used + hosts.length > this.maxHosts) {
      const e = new PogoError(
        'CONFIG_PATTERN_TOO_LARGE',
        `the config names more than ${this.maxHosts} hosts`,
        {
          hint: "check the inventory's ranges for a typo, or raise maxHosts",
        },
      );
      return this.doc.rethrowAt(e, node, context);
    }
    this.used += hosts.length;
    return [...hosts];
  }

  /** Hosts of `pattern`; errors are CONFIG_BAD_PATTERN / CONFIG_PATTERN_TOO_LARGE at `node`. */
  expand(pattern: string, node: Node | null, context: string): string[] {
    try {
      const count = countPattern(pattern);
      if (this.used + count > this.maxHosts) {
        throw new PogoError(
          'CONFIG_PATTERN_TOO_LARGE',
          count > this.maxHosts
            ? `host pattern "${pattern}" names ${count} hosts, more than the limit of ${this.maxHosts}`
            : `the config names more than ${this.maxHosts} hosts (reached at "${pattern}")`,
          { hint: 'check the range bounds for a typo, or raise maxHosts' },
        );
      }
      this.used += count;
      return expandPattern(pattern, { maxHosts: this.maxHosts });
    } catch (e: unknown) {
      return this.doc.rethrowAt(e, node, context);
    }
  }
}
