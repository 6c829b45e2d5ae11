// The plan of a stored job, rebuilt the same way it was built at submit time (recovery, operations, rollback).
import type { Plan } from '../engine/index.ts';
import { buildPlan } from '../engine/index.ts';
import type { JobRecord, NamespaceConfig } from '../model/index.ts';
import { PogoError, parseLimit } from '../model/index.ts';
import type { ConfigCache } from './config-cache.ts';

/** The same config with every chain's stages (and the hosts inside each) in reverse: rollbacks undo in reverse order. */
export function reverseChains(config: NamespaceConfig): NamespaceConfig {
  return {
    ...config,
    chains: config.chains.map((c) => ({
      ...c,
      stages: [...c.stages].reverse().map((s) => ({ ...s, hosts: [...s.hosts].reverse() })),
    })),
  };
}

/** Build a job's plan from its config version, targets and options. */
export function planFor(
  config: NamespaceConfig | undefined,
  targets: readonly string[],
  options: { readonly maxParallel?: string | undefined; readonly rollback: boolean },
): Plan {
  const effective = config && options.rollback ? reverseChains(config) : config;
  return buildPlan(effective, targets, { maxParallel: parseLimit(options.maxParallel ?? undefined) });
}

/** Rebuild a stored job's plan; refuses when the result no longer matches the stored host order. */
export async function rebuildPlan(
  record: JobRecord,
  hosts: readonly string[],
  configs: ConfigCache,
): Promise<Plan> {
  const config =
    record.configVersion === null ? undefined : await configs.get(record.namespace, record.configVersion);
  const plan = planFor(config, hosts, {
    maxParallel: record.options.maxParallel,
    rollback: record.rollbackOf !== null,
  });
  const same = plan.hosts.length === hosts.length && plan.hosts.every((h, i) => h === hosts[i]);
  if (!same) {
    throw new PogoError(
      'JOB_BAD_STATE',
      `job ${record.id}: its plan cannot be rebuilt the same way (the config's external tag sources changed its hosts)`,
      { hint: 'halt the job and submit it again' },
    );
  }
  return plan;
}
