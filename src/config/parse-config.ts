// A namespace config file (classic tag/sequence/constraint form or the 4.0 apps/envs form) → NamespaceConfig.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Node } from 'yaml';
import type { Chain, NamespaceConfig } from '../model/config.ts';
import { PogoError } from '../model/errors.ts';
import { dedupe } from './collections.ts';
import { parseConstraints } from './constraint.ts';
import { HostExpander } from './host-expander.ts';
import { parseLegacyForm } from './legacy-form.ts';
import { parseNotify } from './notify.ts';
import { DEFAULT_MAX_HOSTS } from './pattern.ts';
import { findSequenceCycle } from './sequence-cycle.ts';
import { SequenceParser } from './sequence.ts';
import { suggestionHint } from './suggest.ts';
import { DEFAULT_TAG_SOURCE_TIMEOUT_MS } from './tag-source.ts';
import { TagTreeBuilder } from './tag-tree.ts';
import type { TagTree } from './tag-tree.ts';
import { describeNode, entriesOf, kindOf, parseConfigDoc, scalarText } from './yaml-doc.ts';
import type { ConfigDoc, MapEntry } from './yaml-doc.ts';

/** Options of {@link parseConfig}. */
export interface ParseConfigOptions {
  /** File name (or `<inline>`) used in positions and NamespaceConfig.source. */
  readonly source: string;
  /** Namespace to use when the file does not say; a file naming another namespace is an error. */
  readonly namespace?: string;
  /** Directory external tag sources run in; default the current directory. */
  readonly baseDir?: string;
  /** Most host names the config's patterns may produce; default 1,000,000. */
  readonly maxHosts?: number;
  /** Time limit of each external tag source; default 30 s. */
  readonly tagSourceTimeoutMs?: number;
  /** Aborts running tag sources. */
  readonly signal?: AbortSignal;
  /** Where `http` tag sources keep copies across processes (the server's data dir); default memory only. */
  readonly cacheDir?: string;
  /** Largest answer of an `http` tag source; default 64 MiB. */
  readonly httpMaxBytes?: number;
}

type OptionalKeys = 'namespace' | 'signal' | 'cacheDir' | 'httpMaxBytes';
type CompiledParseConfigOptions = Required<Omit<ParseConfigOptions, OptionalKeys>> &
  Pick<ParseConfigOptions, OptionalKeys>;

const DEFAULT_NAMESPACE = 'default';
const CLASSIC_KEYS = ['namespace', 'tag', 'sequence', 'constraint', 'notify'] as const;
const LEGACY_KEYS = ['namespace', 'globals', 'plugins', 'apps', 'envs', 'constraints', 'notify'] as const;
const NAMESPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function compileParseConfigOptions(options: ParseConfigOptions): Readonly<CompiledParseConfigOptions> {
  return {
    ...options,
    baseDir: options.baseDir ?? process.cwd(),
    maxHosts: options.maxHosts ?? DEFAULT_MAX_HOSTS,
    tagSourceTimeoutMs: options.tagSourceTimeoutMs ?? DEFAULT_TAG_SOURCE_TIMEOUT_MS,
  } satisfies CompiledParseConfigOptions;
}

/**
 * Parse a namespace config (YAML or JSON) into the resolved model: tags expanded (external sources run),
 * chains built and checked for cycles, constraint groups resolved. Every error is a PogoError with the
 * file, line and column and a hint.
 */
export async function parseConfig(text: string, options: ParseConfigOptions): Promise<NamespaceConfig> {
  const opts = compileParseConfigOptions(options);
  const doc = parseConfigDoc(text, opts.source);
  const kind = kindOf(doc.root);
  if (kind !== 'map' && kind !== 'null') {
    throw doc.error(
      'CONFIG_INVALID_VALUE',
      `a config file is a map of sections, not ${describeNode(doc.root)}`,
      doc.root,
      'start the file with tag:, sequence: and constraint:',
    );
  }
  const sections = new Map(entriesOf(doc, doc.root).map((e) => [e.key, e]));
  const legacy =
    ['apps', 'envs', 'constraints'].some((k) => sections.has(k)) &&
    !['tag', 'sequence', 'constraint'].some((k) => sections.has(k));
  checkKeys(doc, sections, legacy);
  const expander = new HostExpander(doc, opts.maxHosts);
  const builder = new TagTreeBuilder(doc, expander, {
    baseDir: opts.baseDir,
    timeoutMs: opts.tagSourceTimeoutMs,
    signal: opts.signal,
    cacheDir: opts.cacheDir,
    httpMaxBytes: opts.httpMaxBytes,
  });
  const notify = parseNotify(doc, sections.get('notify')?.value ?? null);
  const base = {
    namespace: namespaceOf(doc, sections.get('namespace'), opts.namespace),
    source: opts.source,
    ...(notify.length > 0 ? { notify } : {}),
  };

  if (legacy) {
    const { tree, chains, groups } = await parseLegacyForm(doc, sections, builder);
    checkCycles(doc, chains);
    return { ...base, ...fromTree(tree), hosts: tree.hosts, chains, groups };
  }
  const tagSection = sections.get('tag');
  if (tagSection) await builder.add(tagSection.value, '');
  const tree = builder.finish();
  const sequenceSection = sections.get('sequence');
  const { chains, literalHosts } = new SequenceParser(doc, tree.tags, expander).parse(
    sequenceSection?.value ?? null,
  );
  checkCycles(doc, chains);
  const groups = parseConstraints(doc, sections.get('constraint')?.value ?? null, tree);
  const sequenceFirst = offset(sequenceSection?.keyNode) < offset(tagSection?.keyNode);
  const hosts =
    literalHosts.length === 0
      ? tree.hosts
      : dedupe(sequenceFirst ? [...literalHosts, ...tree.hosts] : [...tree.hosts, ...literalHosts]);
  return { ...base, ...fromTree(tree), hosts, chains, groups };
}

/** What a config takes from its tag tree as it is. */
function fromTree(tree: TagTree): Pick<NamespaceConfig, 'tags' | 'tagChildren' | 'connect' | 'warnings'> {
  return {
    tags: tree.tags,
    tagChildren: tree.tagChildren,
    ...(tree.connect.size > 0 ? { connect: tree.connect } : {}),
    ...(tree.warnings.length > 0 ? { warnings: tree.warnings } : {}),
  };
}

/** Options of {@link loadConfigFile}: those of parseConfig, `source` and `baseDir` defaulting to the file's. */
export type LoadConfigFileOptions = Omit<ParseConfigOptions, 'source'> & { readonly source?: string };

/**
 * Read and parse a config file. External sources run in the file's directory unless `baseDir` says
 * otherwise. A missing or unreadable file → CONFIG_NOT_FOUND.
 */
export async function loadConfigFile(
  path: string,
  options: LoadConfigFileOptions = {},
): Promise<NamespaceConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e: unknown) {
    const reason =
      (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String((e as Error).message);
    throw new PogoError('CONFIG_NOT_FOUND', `cannot read config file ${path}: ${reason}`, {
      cause: e,
      hint: `check the path (relative paths start at ${process.cwd()})`,
    });
  }
  return parseConfig(text, {
    ...options,
    source: options.source ?? path,
    baseDir: options.baseDir ?? dirname(resolve(path)),
  });
}

function checkKeys(doc: ConfigDoc, sections: ReadonlyMap<string, MapEntry>, legacy: boolean): void {
  const known: readonly string[] = legacy ? LEGACY_KEYS : CLASSIC_KEYS;
  const other: readonly string[] = legacy ? CLASSIC_KEYS : LEGACY_KEYS;
  for (const { key, keyNode } of sections.values()) {
    if (known.includes(key)) continue;
    const hint = other.includes(key)
      ? `"${key}" belongs to the ${legacy ? 'classic (tag/sequence/constraint)' : '4.0 (apps/envs/constraints)'} form; a file uses one form`
      : suggestionHint(key, known);
    throw doc.error('CONFIG_UNKNOWN_KEY', `unknown top-level key "${key}"`, keyNode, hint);
  }
}

function namespaceOf(doc: ConfigDoc, entry: MapEntry | undefined, wanted: string | undefined): string {
  if (!entry) return wanted ?? DEFAULT_NAMESPACE;
  const name = scalarText(entry.value);
  if (name === undefined || !NAMESPACE_NAME.test(name)) {
    throw doc.error(
      'CONFIG_INVALID_VALUE',
      `namespace must be a name, not ${describeNode(entry.value)}`,
      entry.value,
      'use letters, digits, ".", "_" and "-", e.g. namespace: web-prod',
    );
  }
  if (wanted !== undefined && wanted !== name) {
    throw doc.error(
      'CONFIG_INVALID_VALUE',
      `this file is for namespace "${name}", not "${wanted}"`,
      entry.value,
      'load the file of the right namespace, or fix its namespace: line',
    );
  }
  return name;
}

function checkCycles(doc: ConfigDoc, chains: readonly Chain[]): void {
  const cycle = findSequenceCycle(chains);
  if (!cycle) return;
  const shown = cycle.hosts.slice(0, 6);
  const more = cycle.hosts.length > shown.length ? ', …' : '';
  const [first = '', ...rest] = shown;
  const steps = [first, ...rest.map((host, i) => `${i === 0 ? '' : ', which'} waits for ${host}`)].join('');
  const at = chains.find((c) => c.id === cycle.chains[0])?.position;
  throw new PogoError(
    'CONFIG_SEQUENCE_CYCLE',
    `sequence cycle across chains ${cycle.chains.join(', ')}: ${steps}${more}, which waits for ${first}`,
    {
      position: at ?? doc.positionOf(doc.root),
      hint: 'these chains order the same hosts in opposite directions; remove or reorder one of them',
    },
  );
}

function offset(node: Node | undefined): number {
  return node?.range?.[0] ?? Number.MAX_SAFE_INTEGER;
}
