// Loads a namespace config and resolves target expressions against it, for the commands that plan a job.
import { loadConfigFile, resolveTargets } from '../config/index.ts';
import type { NamespaceConfig } from '../model/index.ts';
import { PogoError } from '../model/index.ts';

/** A config and a job's target hosts (config order for the default, expression order otherwise). */
export interface JobInput {
  readonly config: NamespaceConfig;
  readonly targets: readonly string[];
}

/** Load `configPath`; targets are `targetsExpr` resolved against it, or every host of the config. */
export async function loadJobInput(configPath: string, targetsExpr: string | undefined): Promise<JobInput> {
  const config = await loadConfigFile(configPath);
  if (targetsExpr !== undefined) return { config, targets: await resolveHosts(targetsExpr, config) };
  if (config.hosts.length === 0) {
    throw new PogoError('TARGETS_EMPTY', `${configPath} names no hosts`, {
      hint: 'add hosts under tag:, or pass --targets',
    });
  }
  return { config, targets: config.hosts };
}

/** Hosts named by a target expression (`web[01-04]`, `$cache`, `@file`, `a&b`, `!x`); `@file` is relative to the cwd. */
export function resolveHosts(expr: string, config: NamespaceConfig): Promise<string[]> {
  return resolveTargets(expr, { config, baseDir: process.cwd() });
}

/** Print what the config load went on despite (`pogo: warning: …` on stderr), e.g. a cached http source. */
export function printConfigWarnings(err: (text: string) => void, config: NamespaceConfig | undefined): void {
  for (const warning of config?.warnings ?? []) err(`pogo: warning: ${warning}\n`);
}
