// Parsed namespace configs by version, cached for a while (external tag sources are slow to run).
import { join } from 'node:path';
import { parseConfig } from '../config/index.ts';
import type { NamespaceConfig } from '../model/index.ts';
import type { Store } from '../store/index.ts';

export interface ConfigCacheOptions {
  readonly store: Store;
  /** Where external tag sources (`command …`) run and relative `ansible` paths start (the server's data dir). */
  readonly baseDir: string;
  /** Where `http` tag sources keep their copies; default `<baseDir>/cache/http`. */
  readonly cacheDir?: string;
  /** How long a parsed version is reused (default 60 s): its external sources are run again after. */
  readonly ttlMs?: number;
  readonly now?: () => number;
}

/** Parses stored config versions on demand and keeps them for `ttlMs`. */
export class ConfigCache {
  private readonly entries = new Map<string, { at: number; config: Promise<NamespaceConfig> }>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly options: ConfigCacheOptions) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** The parsed config of `namespace` at `version`. */
  get(namespace: string, version: number): Promise<NamespaceConfig> {
    const key = `${namespace}@${version}`;
    const hit = this.entries.get(key);
    const now = this.now();
    if (hit && now - hit.at < this.ttlMs) return hit.config;
    const config = this.options.store
      .getNamespace(namespace, version)
      .then((v) => this.parse(namespace, v.version, v.text));
    config.catch(() => this.entries.delete(key));
    this.entries.set(key, { at: now, config });
    return config;
  }

  /** Parse a text as a version of `namespace` (validation, preview). */
  parse(namespace: string, version: number | 'new', text: string): Promise<NamespaceConfig> {
    return parseConfig(text, {
      source: `${namespace}@${version === 'new' ? 'upload' : `v${version}`}`,
      namespace,
      baseDir: this.options.baseDir,
      cacheDir: this.options.cacheDir ?? join(this.options.baseDir, 'cache', 'http'),
    });
  }
}
