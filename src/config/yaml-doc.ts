// YAML (and so JSON) text → a node tree with 1-based positions, plus the node helpers the config parsers share.
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import { PogoError } from '../model/errors.ts';
import type { ErrorCode, SourcePosition } from '../model/errors.ts';

/** A parsed config file: its root node and how to turn nodes into positions and errors. */
export interface ConfigDoc {
  /** The document's top node; null for an empty file. */
  readonly root: Node | null;
  /** `file:line:column` of a node (line 1 column 1 when the node has no range). */
  positionOf(node: Node | null | undefined): SourcePosition;
  /** A PogoError at `node`'s position. Every config error carries a hint. */
  error(code: ErrorCode, message: string, node: Node | null | undefined, hint: string): PogoError;
  /** Re-raise a position-less PogoError (from patterns, say) at `node`, keeping its code and hint. */
  rethrowAt(e: unknown, node: Node | null | undefined, context: string): never;
  /** Follow a YAML alias (`*name`) to its anchored node. */
  deref(node: unknown): Node | null;
}

/** One `key: value` of a YAML map, key as text. */
export interface MapEntry {
  readonly key: string;
  readonly keyNode: Node;
  readonly value: Node | null;
}

const YAML_HINT = 'check indentation, colons and brackets near this position';

/** Parse `text`; YAML syntax errors → CONFIG_YAML_SYNTAX, repeated map keys → CONFIG_DUPLICATE_KEY. */
export function parseConfigDoc(text: string, source: string): ConfigDoc {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: source, line, column: col };
  };
  const first = document.errors[0];
  if (first) {
    const duplicate = first.code === 'DUPLICATE_KEY';
    throw new PogoError(duplicate ? 'CONFIG_DUPLICATE_KEY' : 'CONFIG_YAML_SYNTAX', first.message, {
      position: at(first.pos[0]),
      hint: duplicate
        ? 'each key may appear once per map; merge the two entries'
        : syntaxHint(text, first.pos[0]),
      cause: first,
    });
  }
  const doc: ConfigDoc = {
    root: deref(document, document.contents),
    positionOf: (node) => at(node?.range?.[0] ?? 0),
    error: (code, message, node, hint) =>
      new PogoError(code, message, { position: doc.positionOf(node), hint }),
    rethrowAt(e, node, context) {
      if (!(e instanceof PogoError) || e.position) throw e;
      throw new PogoError(e.code, `${context}: ${e.message}`, {
        position: doc.positionOf(node),
        hint: e.hint ?? YAML_HINT,
        cause: e,
      });
    },
    deref: (node) => deref(document, node),
  };
  return doc;
}

/** YAML forbids `[`, `]`, `{`, `}` and `,` in plain scalars inside `[ … ]`: the usual cause with host patterns. */
function syntaxHint(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset);
  const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
  if (/[\w.-][[{]|^\s*-\s*\{/.test(line)) {
    return "quote host patterns inside [ … ] lists ('web[01-04].example.com'), or use a block list (- web[01-04].example.com)";
  }
  return YAML_HINT;
}

function deref(document: Document, node: unknown): Node | null {
  if (isAlias(node)) return (node.resolve(document) as Node | undefined) ?? null;
  if (isMap(node) || isSeq(node) || isScalar(node)) return node;
  return null;
}

/** The node's kind; a scalar whose value is null (`key:` with nothing after) counts as `null`. */
export function kindOf(node: Node | null): 'map' | 'seq' | 'scalar' | 'null' {
  if (node === null) return 'null';
  if (isMap(node)) return 'map';
  if (isSeq(node)) return 'seq';
  if (isScalar(node) && node.value === null) return 'null';
  return 'scalar';
}

/** A string or number scalar as text (numbers as written: `08`, `1.10`); undefined for anything else. */
export function scalarText(node: Node | null): string | undefined {
  if (!isScalar(node)) return undefined;
  if (typeof node.value === 'string') return node.value;
  if (typeof node.value === 'number') return node.source ?? String(node.value);
  return undefined;
}

/** The entries of a map node; a key that is not a string or number → CONFIG_INVALID_VALUE. */
export function entriesOf(doc: ConfigDoc, node: Node | null): MapEntry[] {
  if (!isMap(node)) return [];
  return node.items.map((pair) => {
    const keyNode = doc.deref(pair.key);
    const key = scalarText(keyNode);
    if (keyNode === null || key === undefined) {
      throw doc.error(
        'CONFIG_INVALID_VALUE',
        'map keys must be names',
        keyNode,
        'write the key as plain text',
      );
    }
    return { key, keyNode, value: doc.deref(pair.value) };
  });
}

/** The items of a sequence node (aliases followed). */
export function itemsOf(doc: ConfigDoc, node: Node | null): (Node | null)[] {
  return isSeq(node) ? node.items.map((item) => doc.deref(item)) : [];
}

/** Human name of what a node holds, for "expected a list, got a number" messages. */
export function describeNode(node: Node | null): string {
  const kind = kindOf(node);
  if (kind === 'seq') return 'a list';
  if (kind === 'map') return 'a map';
  if (kind === 'null') return 'nothing';
  const value: unknown = isScalar(node) ? node.value : undefined;
  return typeof value === 'string' ? `the text "${value}"` : `the ${typeof value} ${String(value)}`;
}
