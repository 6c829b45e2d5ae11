// The simulated world of `pogo simulate`: how long each host runs and which hosts fail.
import { hashString, seededRandom } from '../engine/index.ts';
import type { HostOutcome } from '../model/index.ts';
import type { DurationTable } from './durations-file.ts';

/** Duration when neither `--duration` nor a durations file says otherwise. */
export const DEFAULT_DURATION_MS = 10_000;

/** Per-host duration: the file's entry, else its `default`, else `fallbackMs`. */
export function durationOf(table: DurationTable | undefined, fallbackMs: number): (host: string) => number {
  if (!table) return () => fallbackMs;
  const fallback = table.defaultMs ?? fallbackMs;
  return (host) => table.byHost.get(host) ?? fallback;
}

/** How hosts end: the listed hosts fail, or each host fails with a probability. */
export type FailureModel =
  | { readonly kind: 'none' }
  | { readonly kind: 'hosts'; readonly hosts: ReadonlySet<string> }
  | { readonly kind: 'rate'; readonly percent: number; readonly seed: number };

/**
 * The outcome of a host. With a rate, a host fails when its own random draw (seeded by the host name
 * and the seed, not by start order) is below the rate, so the same seed fails the same hosts whatever
 * the config's order or limits.
 */
export function outcomeOf(model: FailureModel): (host: string) => HostOutcome {
  if (model.kind === 'none') return () => 'succeeded';
  if (model.kind === 'hosts') return (host) => (model.hosts.has(host) ? 'failed' : 'succeeded');
  const p = model.percent / 100;
  return (host) => (seededRandom(hashString(host, model.seed))() < p ? 'failed' : 'succeeded');
}
