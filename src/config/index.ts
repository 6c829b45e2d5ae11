// Config layer: YAML/JSON namespace configs → NamespaceConfig; host patterns; target expressions; JSON Schema.
export { countPattern, DEFAULT_MAX_HOSTS, expandPattern } from './pattern.ts';
export type { ExpandPatternOptions } from './pattern.ts';
export { loadConfigFile, parseConfig } from './parse-config.ts';
export { isWebhookUrl } from './notify.ts';
export type { LoadConfigFileOptions, ParseConfigOptions } from './parse-config.ts';
export { findSequenceCycle } from './sequence-cycle.ts';
export type { SequenceCycle } from './sequence-cycle.ts';
export { configRunsCommands } from './command-scan.ts';
export { DEFAULT_TAG_SOURCE_TIMEOUT_MS, MAX_TAG_SOURCE_OUTPUT_BYTES } from './tag-source.ts';
export { resolveTargets } from './targets.ts';
export { EXPRESSION_HINT, formatTargetItems, parseTargetExpression } from './target-expression.ts';
export type { TargetItem, TargetTerm } from './target-expression.ts';
export { splitTopLevel } from './tag-ref.ts';
export type { ResolveTargetsOptions } from './targets.ts';
export {
  CONFIG_SCHEMA_ID,
  classicConfigSchema,
  configFileSchema,
  configJsonSchema,
  configJsonSchemaText,
  legacyConfigSchema,
} from './schema.ts';
export type { RawSequenceNode, RawTagNode } from './schema.ts';
