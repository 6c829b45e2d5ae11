// Counts of a followed job's hosts by state, kept from its event stream (for the live progress line).
import type { EventRecord, HostCounts, HostState } from '../../model/index.ts';
import { emptyCounts } from '../../model/index.ts';
import { outcomeOf } from './event-view.ts';

/**
 * Host states as the events tell them. Hosts no event named yet count as `waiting` (the stream does not say
 * when a host becomes `ready`), so the counts always add up to the job's host count.
 */
export class JobTally {
  private readonly states = new Map<string, HostState>();

  constructor(private readonly hostCount: number) {}

  /** Apply one event. */
  apply(e: EventRecord): void {
    if (!('host' in e)) return;
    const outcome = outcomeOf(e.type);
    if (outcome) this.states.set(e.host, outcome);
    else if (e.type === 'host:started') this.states.set(e.host, 'running');
    else if (e.type === 'host:skipped') this.states.set(e.host, 'skipped');
    else if (e.type === 'host:halted') this.states.set(e.host, 'halted');
    else if (e.type === 'host:retried' || e.type === 'host:requeued') this.states.set(e.host, 'waiting');
  }

  /** Hosts by state. */
  counts(): HostCounts {
    const counts = emptyCounts();
    for (const state of this.states.values()) counts[state]++;
    counts.waiting += Math.max(0, this.hostCount - this.states.size);
    return counts;
  }

  /** Every host of the job. */
  get total(): number {
    return this.hostCount;
  }
}
