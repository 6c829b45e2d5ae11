// Zod schema of a raw config file (classic and 4.0 forms) and the JSON Schema editors validate against.
import { z } from 'zod';
import { NOTIFY_EVENTS } from '../model/config.ts';

/** `$id` of the published JSON Schema. */
export const CONFIG_SCHEMA_ID = 'urn:pogo:schema:config:1';

/** A tag node as written: a map of sub-tags, a list of host patterns, one pattern or a source (`command …`, `ansible …`, `http …`), or nothing. */
export type RawTagNode = null | string | (string | number)[] | { [name: string]: RawTagNode };

/** A sequence node as written: a list of entries, a list of such nodes, or a map of names/`$scopes` to nodes. */
export type RawSequenceNode =
  null | (string | number)[] | RawSequenceNode[] | { [name: string]: RawSequenceNode };

const hostPattern = z.union([z.string().min(1), z.number()]).meta({
  description: 'A host name or pattern: web[01-20].example.com, host[1-3,7], {a,b}.example.com',
});
const hostPatterns = z.array(hostPattern);
const limit = z.union([z.int().min(1), z.string().regex(/^\s*\d+(\.\d+)?\s*%?\s*$/)]).meta({
  description: 'A number of hosts (at least 1) or a percentage of the group, floored, at least 1: 3, "25%"',
});

const tagNode: z.ZodType<RawTagNode> = z
  .lazy(() => z.union([z.null(), z.string().min(1), hostPatterns, z.record(z.string(), tagNode)]))
  .meta({
    id: 'TagNode',
    description:
      'A map of sub-tags (dotted keys equal nested keys), a list of host patterns, one pattern, or an external source: "command <program> [args]" printing {"tag": [hosts]} or Ansible --list JSON, "ansible <inventory file or script>", or "http <url> [timeout=10s] [ttl=1m]"',
  });

const sequenceEntry = z.union([z.string().min(1), z.number()]).meta({
  description:
    '$tag.path (hosts of the tag and its descendants), a host or host pattern, or an intersection $a&$b',
});
const sequenceNode: z.ZodType<RawSequenceNode> = z
  .lazy(() =>
    z.union([z.null(), z.array(sequenceEntry), z.array(sequenceNode), z.record(z.string(), sequenceNode)]),
  )
  .meta({
    id: 'SequenceNode',
    description:
      'A chain (list of entries), a list of chains, or a map: name → chain (named) or $tag → chain (every stage intersected with the tag)',
  });

const constraintValue = z.union([limit, z.strictObject({ max_parallel: limit })]);

const notify = z
  .array(
    z.strictObject({
      url: z
        .string()
        .regex(/^https?:\/\//)
        .meta({
          description: 'http(s) URL; may hold {{secret:NAME}} placeholders filled from the servers’ secrets',
        }),
      format: z
        .enum(['json', 'slack'])
        .optional()
        .meta({ description: 'json (default) or slack ({ text })' }),
      on: z
        .union([z.enum(NOTIFY_EVENTS), z.array(z.enum(NOTIFY_EVENTS))])
        .optional()
        .meta({ description: 'events to send (default all)' }),
    }),
  )
  .max(20)
  .nullable()
  .optional()
  .meta({
    description: 'Webhooks told when the namespace’s jobs start, succeed, fail, halt or need a password',
  });

const namespace = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/)
  .meta({ description: 'Namespace this file configures' });

/** The classic form: tag / sequence / constraint. */
export const classicConfigSchema = z
  .strictObject({
    namespace: namespace.optional(),
    tag: tagNode.optional(),
    sequence: sequenceNode.optional(),
    constraint: z.record(z.string().regex(/^\$/), constraintValue).nullable().optional().meta({
      description:
        '$tag → { max_parallel: N | "N%" } or the shorthand $tag: N; a tag with sub-tags limits each sub-tag separately',
    }),
    notify,
  })
  .meta({ title: 'Classic form (tag / sequence / constraint)' });

const appLimit = z.union([z.int().min(1), z.string().regex(/^\d+$|^\d+%$/)]);
const envConstraints = z.strictObject({
  concurrency: z
    .array(z.record(z.string(), appLimit))
    .optional()
    .meta({ description: 'List of { app: N | N% }: per env value, at most N hosts of app ∩ value at once' }),
  sequence: z
    .array(z.array(z.string()).min(2))
    .optional()
    .meta({ description: 'Lists of apps in order, applied within each env value' }),
});

/** The pogo-4.0 namespace form: apps / envs / constraints. */
export const legacyConfigSchema = z
  .strictObject({
    namespace: namespace.optional(),
    globals: z.unknown().optional().meta({ description: 'Accepted and ignored' }),
    plugins: z.unknown().optional().meta({ description: 'Accepted and ignored' }),
    apps: z
      .record(z.string(), hostPatterns.nullable())
      .optional()
      .meta({ description: 'app → host patterns' }),
    envs: z
      .record(z.string(), z.record(z.string(), hostPatterns.nullable()))
      .optional()
      .meta({ description: 'env type → env value → host patterns' }),
    constraints: z
      .record(z.string(), envConstraints)
      .optional()
      .meta({ description: 'env type → concurrency and sequence rules' }),
    notify,
  })
  .meta({ title: '4.0 form (apps / envs / constraints)' });

/** A whole config file, either form. */
export const configFileSchema = z.union([classicConfigSchema, legacyConfigSchema]);

/** The JSON Schema of a config file (draft 2020-12), with `$id` and title, for editors and other tools. */
export function configJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(configFileSchema);
  return {
    $schema,
    $id: CONFIG_SCHEMA_ID,
    title: 'Pogo namespace configuration',
    description: 'A Pogo namespace config file: tags, sequences and constraints (or the 4.0 apps/envs form).',
    ...rest,
  };
}

/** {@link configJsonSchema} as written to schema/pogo-config.schema.json: two-space indent, final newline. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
