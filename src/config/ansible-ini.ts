// Ansible INI inventories (`[group]`, `[group:children]`, `[group:vars]`, host lines with key=value vars) → Inventory.
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
  /** Declared by a `[name]` or `[name:children]` header (or implicit), not only mentioned. */
  declared: boolean;
}

/** A group named in `[p:children]` or `[g:vars]` before (or without) its own section. */
interface Pending {
  readonly line: number;
  readonly kind: 'children' | 'vars';
  readonly section: string;
}

const HEADER = /^\[([^\]]*)\]\s*(?:#.*)?$/;
const SECTION_KINDS = ['hosts', 'children', 'vars'] as const;
type SectionKind = (typeof SECTION_KINDS)[number];

/**
 * Parse an Ansible INI inventory as Ansible's `ini` plugin does: lines outside a section are ungrouped
 * hosts; `[g]` lists hosts (`name[:port] key=value …`, ranges `web[01:20]`), `[g:children]` child groups,
 * `[g:vars]` one `key=value` a line; `#` and `;` start comments. Every group named in a `:children` or
 * `:vars` section must be defined somewhere in the file. Errors are CONFIG_INVENTORY_INVALID at `file:line`.
 */
export function parseAnsibleIni(text: string, file: string): Inventory {
  const groups = new Map<string, DraftGroup>();
  const hostVars = new Map<string, Record<string, unknown>>();
  const pending = new Map<string, Pending>();
  const group = (name: string): DraftGroup => {
    let g = groups.get(name);
    if (!g) {
      g = { hosts: [], seen: new Set<string>(), children: [], vars: {}, declared: false };
      groups.set(name, g);
    }
    return g;
  };
  let section = 'ungrouped';
  let kind: SectionKind = 'hosts';
  group('all').declared = true;
  group('ungrouped').declared = true;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const fail = (message: string, hint: string): PogoError =>
      new PogoError('CONFIG_INVENTORY_INVALID', `${file}:${lineNo}: ${message}`, {
        position: { file, line: lineNo, column: raw.length - raw.trimStart().length + 1 },
        hint,
      });
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    if (line.startsWith('[')) {
      const m = HEADER.exec(line);
      if (!m)
        throw fail(`invalid section header "${line}"`, 'write [group], [group:children] or [group:vars]');
      const [name = '', modifier = 'hosts'] = (m[1] ?? '').trim().split(':');
      if (!(SECTION_KINDS as readonly string[]).includes(modifier) || (m[1] ?? '').split(':').length > 2) {
        throw fail(
          `section [${m[1] ?? ''}] has unknown type "${modifier}"`,
          'the types are :children and :vars',
        );
      }
      checkGroupName(name, fail);
      section = name;
      kind = modifier as SectionKind;
      const g = group(name);
      if (kind !== 'vars') {
        g.declared = true;
        pending.delete(name);
      } else if (!g.declared && !pending.has(name)) {
        pending.set(name, { line: lineNo, kind: 'vars', section: `${name}:vars` });
      }
      return;
    }
    if (kind === 'vars') {
      const eq = line.indexOf('=');
      if (eq <= 0)
        throw fail(`expected key=value in [${section}:vars], got "${line}"`, 'one key=value a line');
      group(section).vars[line.slice(0, eq).trim()] = varValue(line.slice(eq + 1));
      return;
    }
    const tokens = shellWords(line);
    if (typeof tokens === 'string') throw fail(tokens, 'close the quote');
    const [first = '', ...rest] = tokens;
    if (kind === 'children') {
      if (rest.length > 0)
        throw fail(
          `expected one group name in [${section}:children], got "${line}"`,
          'one child group a line',
        );
      checkGroupName(first, fail);
      const parent = group(section);
      if (first === section) throw fail(`group ${section} cannot be its own child`, 'remove the line');
      if (!parent.children.includes(first)) parent.children.push(first);
      if (!group(first).declared && !pending.has(first)) {
        pending.set(first, { line: lineNo, kind: 'children', section: `${section}:children` });
      }
      return;
    }
    const split = splitHostPort(first);
    if (typeof split === 'string') throw fail(split, 'write host, host:port or [ipv6]:port');
    const names = expandAnsibleRange(split.host);
    if (typeof names === 'string') throw fail(names, 'write ranges as web[01:20] or db-[a:f] (ascending)');
    const vars: Record<string, unknown> = split.port === undefined ? {} : { ansible_port: split.port };
    for (const token of rest) {
      const eq = token.indexOf('=');
      if (eq <= 0) {
        throw fail(`expected key=value host variable, got "${token}"`, 'quote values with spaces: key="a b"');
      }
      vars[token.slice(0, eq)] = token.slice(eq + 1);
    }
    const g = group(section);
    for (const name of names) {
      if (!g.seen.has(name)) {
        g.seen.add(name);
        g.hosts.push(name);
      }
      hostVars.set(name, { ...hostVars.get(name), ...vars });
    }
  });
  for (const [name, p] of pending) {
    const what =
      p.kind === 'vars'
        ? `section [${p.section}] is for group ${name}`
        : `section [${p.section}] names group ${name}`;
    throw new PogoError('CONFIG_INVENTORY_INVALID', `${file}:${p.line}: ${what}, which is never defined`, {
      position: { file, line: p.line, column: 1 },
      hint: `add a [${name}] section (it may be empty), or fix the name`,
    });
  }
  return { groups: withImplicitGroups(groups), hostVars, literalHosts: true };
}

function checkGroupName(name: string, fail: (m: string, h: string) => PogoError): void {
  if (!isTagName(name)) {
    throw fail(
      `group name "${name}" cannot be a tag name`,
      'group names become tags: letters, digits, "_" and "-"',
    );
  }
}

/** A `[g:vars]` value: trimmed, a trailing ` # comment` dropped, one pair of surrounding quotes removed. */
function varValue(raw: string): string {
  const value = raw.trim();
  const quoted = /^(['"])(.*)\1$/.exec(value);
  if (quoted) return quoted[2] ?? '';
  return value.replace(/\s+[#;].*$/, '');
}

/** Words of a host line as Python's shlex splits them (quotes removed, `#` starts a comment). */
function shellWords(line: string): string[] | string {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line.charAt(i);
    if (c === ' ' || c === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '#' && word === undefined) {
      break;
    } else if (c === '"' || c === "'") {
      const end = line.indexOf(c, i + 1);
      if (end < 0) return `unclosed ${c === '"' ? 'double' : 'single'} quote`;
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line.charAt(++i);
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}
