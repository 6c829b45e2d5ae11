// Flows (Roadrunner): slots of jobs run in parallel; slot k+1 starts only when every job of slot k met its threshold.
import type { LimitSpec } from '../model/index.ts';
import { formatLimit } from '../model/index.ts';

export interface FlowJobSpec {
  readonly name: string;
  readonly targets: readonly string[];
  readonly command: string;
  /** Per-job parallelism, `N` or `N%` of its hosts. */
  readonly parallelism?: LimitSpec | undefined;
  /** Hosts that must succeed, `N` or `N%` (rounded up). Default 100%. */
  readonly threshold?: LimitSpec | undefined;
}

export interface FlowSpec {
  readonly name: string;
  readonly slots: readonly (readonly FlowJobSpec[])[];
}

/** A job to launch for the flow, with the failure budget that makes it halt once its threshold is out of reach. */
export interface FlowLaunch {
  readonly slot: number;
  readonly job: FlowJobSpec;
  readonly required: number;
  readonly maxFailures: LimitSpec;
}

export type FlowState = 'pending' | 'running' | 'succeeded' | 'failed';

export type FlowStep =
  | { readonly kind: 'launch'; readonly launches: readonly FlowLaunch[] }
  | { readonly kind: 'wait' }
  | { readonly kind: 'done'; readonly state: 'succeeded' | 'failed'; readonly reason: string };

/** Successes a job needs: the threshold resolved against its host count (percent rounds up). */
export function requiredSuccesses(threshold: LimitSpec | undefined, hosts: number): number {
  if (!threshold) return hosts;
  if (threshold.kind === 'count') return Math.min(threshold.value, hosts);
  return Math.min(hosts, Math.ceil((threshold.value * hosts) / 100 - 1e-9));
}

/** The flow's state machine. Pure: the caller runs the jobs and reports how each ended. */
export class FlowRun {
  private slot = -1;
  private state: FlowState = 'pending';
  private readonly pending = new Set<string>();

  constructor(readonly spec: FlowSpec) {}

  get flowState(): FlowState {
    return this.state;
  }
  get currentSlot(): number {
    return this.slot;
  }

  /** Launch the first non-empty slot. */
  start(): FlowStep {
    this.state = 'running';
    return this.advance();
  }

  /** A job of the current slot ended with `succeeded` of its `total` hosts succeeding. */
  jobEnded(name: string, succeeded: number, total: number): FlowStep {
    if (this.state !== 'running' || !this.pending.delete(name)) return { kind: 'wait' };
    const job = this.spec.slots[this.slot]?.find((j) => j.name === name);
    const need = requiredSuccesses(job?.threshold, total);
    if (succeeded < need) {
      this.state = 'failed';
      const th = job?.threshold ? formatLimit(job.threshold) : '100%';
      return {
        kind: 'done',
        state: 'failed',
        reason: `job ${name} in slot ${this.slot + 1}: ${succeeded}/${total} succeeded, threshold ${th} needs ${need}`,
      };
    }
    return this.pending.size > 0 ? { kind: 'wait' } : this.advance();
  }

  private advance(): FlowStep {
    for (this.slot++; this.slot < this.spec.slots.length; this.slot++) {
      const jobs = this.spec.slots[this.slot] ?? [];
      if (jobs.length === 0) continue;
      const launches = jobs.map((job) => {
        const required = requiredSuccesses(job.threshold, job.targets.length);
        this.pending.add(job.name);
        return {
          slot: this.slot,
          job,
          required,
          maxFailures: { kind: 'count', value: job.targets.length - required } as const,
        };
      });
      return { kind: 'launch', launches };
    }
    this.state = 'succeeded';
    return {
      kind: 'done',
      state: 'succeeded',
      reason: `all ${this.spec.slots.length} slots met their thresholds`,
    };
  }
}
