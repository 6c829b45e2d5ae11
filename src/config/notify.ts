// The `notify:` section of a namespace config: webhooks told of the namespace's jobs starting and ending.
import type { Node } from 'yaml';
import { NOTIFY_EVENTS } from '../model/config.ts';
import type { NotifyEvent, NotifyTarget } from '../model/config.ts';
import { suggestionHint } from './suggest.ts';
import { describeNode, entriesOf, itemsOf, kindOf, scalarText } from './yaml-doc.ts';
import type { ConfigDoc } from './yaml-doc.ts';

const KEYS = ['url', 'format', 'on'] as const;
const FORMATS = ['json', 'slack'] as const;
/** At most this many webhooks per namespace. */
const MAX_TARGETS = 20;
const EXAMPLE = 'notify: [{ url: "https://hooks.example.com/pogo", format: json, on: [started, failed] }]';

/**
 * A list of `{ url, format?, on? }`: url http(s) (it may hold `{{secret:NAME}}`), format `json` (default)
 * or `slack`, `on` a list of events (default all). Errors carry the file position and a hint.
 */
export function parseNotify(doc: ConfigDoc, node: Node | null): NotifyTarget[] {
  if (kindOf(node) === 'null') return [];
  if (kindOf(node) !== 'seq') {
    throw doc.error(
      'CONFIG_INVALID_VALUE',
      `notify must be a list, not ${describeNode(node)}`,
      node,
      EXAMPLE,
    );
  }
  const items = itemsOf(doc, node);
  if (items.length > MAX_TARGETS) {
    throw doc.error(
      'CONFIG_INVALID_VALUE',
      `notify has ${items.length} webhooks; at most ${MAX_TARGETS}`,
      node,
      'send to a relay that fans out',
    );
  }
  return items.map((item) => parseTarget(doc, item));
}

function parseTarget(doc: ConfigDoc, node: Node | null): NotifyTarget {
  if (kindOf(node) !== 'map') {
    throw doc.error(
      'CONFIG_INVALID_VALUE',
      `a notify entry is a map, not ${describeNode(node)}`,
      node,
      EXAMPLE,
    );
  }
  let url: string | undefined;
  let format: NotifyTarget['format'] = 'json';
  let on: NotifyEvent[] = [...NOTIFY_EVENTS];
  for (const { key, keyNode, value } of entriesOf(doc, node)) {
    if (key === 'url') url = parseUrl(doc, value);
    else if (key === 'format') format = oneOf(doc, value, FORMATS, 'format');
    else if (key === 'on') {
      const list = kindOf(value) === 'seq' ? itemsOf(doc, value) : [value];
      on = [...new Set(list.map((v) => oneOf(doc, v, NOTIFY_EVENTS, 'on')))];
    } else {
      throw doc.error(
        'CONFIG_UNKNOWN_KEY',
        `unknown notify key "${key}"`,
        keyNode,
        suggestionHint(key, KEYS),
      );
    }
  }
  if (url === undefined) throw doc.error('CONFIG_INVALID_VALUE', 'a notify entry needs a url', node, EXAMPLE);
  return { url, format, on };
}

function parseUrl(doc: ConfigDoc, node: Node | null): string {
  const text = scalarText(node);
  if (text === undefined || !isWebhookUrl(text)) {
    throw doc.error(
      'CONFIG_INVALID_VALUE',
      `notify url must be an http(s) URL, not ${describeNode(node)}`,
      node,
      'write https://… ; a token in it can come from the server’s secrets: https://hooks.slack.com/services/{{secret:slack}}',
    );
  }
  return text;
}

/** An http(s) URL once its `{{secret:NAME}}` placeholders are filled (their values exist only on the servers). */
export function isWebhookUrl(text: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(text.replace(SECRET_REF, 'x')).protocol);
  } catch {
    return false;
  }
}

const SECRET_REF = /\{\{secret:[A-Za-z0-9_.-]+\}\}/g;

function oneOf<T extends string>(doc: ConfigDoc, node: Node | null, allowed: readonly T[], what: string): T {
  const text = scalarText(node);
  if (text !== undefined && (allowed as readonly string[]).includes(text)) return text as T;
  throw doc.error(
    'CONFIG_INVALID_VALUE',
    `notify ${what} must be one of ${allowed.join(', ')}, not ${describeNode(node)}`,
    node,
    text !== undefined ? suggestionHint(text, allowed) : `write one of ${allowed.join(', ')}`,
  );
}
