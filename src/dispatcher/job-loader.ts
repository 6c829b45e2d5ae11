// Builds job drivers: for a new job, or from the store (recovery, an operation on a finished job), under a lease.
import { ConstraintLedger, Rollout } from '../engine/index.ts';
import type { Plan } from '../engine/index.ts';
import type { HostRecord, JobRecord } from '../model/index.ts';
import { parseLimit } from '../model/index.ts';
import type { Store } from '../store/index.ts';
import type { ConfigCache } from './config-cache.ts';
import { JobDriver } from './job-driver.ts';
import { rebuildPlan } from './job-plan.ts';
import type { ProgressWriter } from './progress-writer.ts';

export interface JobLoaderOptions {
  readonly store: Store;
  readonly configs: ConfigCache;
  readonly writer: ProgressWriter;
  /** Lease owner (the dispatcher's name) and lease length. */
  readonly owner: string;
  readonly leaseTtlMs: number;
}

/** A driver rebuilt from the store, with the host rows it was rebuilt from. */
export interface LoadedJob {
  readonly driver: JobDriver;
  readonly hosts: readonly HostRecord[];
  readonly epoch: number;
}

/** Owns the namespace ledgers (shared by every job of a namespace) and makes drivers on them. */
export class JobLoader {
  private readonly ledgers = new Map<string, ConstraintLedger>();

  /** Forget every namespace ledger (the dispatcher reloads all its jobs, which take their slots again). */
  resetLedgers(): void {
    this.ledgers.clear();
  }

  /** Forget one namespace's ledger (its jobs are driven by another server now). */
  resetLedger(namespace: string): void {
    this.ledgers.delete(namespace);
  }

  constructor(private readonly o: JobLoaderOptions) {}

  /** A driver for `record` with its rollout on the namespace's ledger (not started). */
  create(
    record: JobRecord,
    plan: Plan,
    epoch: number,
    lastSeq: number,
    attempts: Map<string, number>,
  ): JobDriver {
    const rollout = new Rollout(plan, this.ledgerFor(record.namespace), {
      jobId: record.id,
      maxFailures: parseLimit(record.options.maxFailures ?? undefined),
      timeoutMs: record.options.jobTimeoutMs,
    });
    return new JobDriver({ record, rollout, epoch, lastSeq, attempts, writer: this.o.writer });
  }

  /**
   * Take the job's lease and rebuild its driver from the store: a pending job is started, any other is
   * restored from its host states. Undefined when another dispatcher holds a live lease.
   */
  async load(record: JobRecord, now: number): Promise<LoadedJob | undefined> {
    const { store } = this.o;
    const lease = await store.acquireLease(record.id, this.o.owner, this.o.leaseTtlMs, now);
    if (!lease) return undefined;
    const hosts = await store.allHosts(record.id);
    const plan = await rebuildPlan(
      record,
      hosts.map((h) => h.host),
      this.o.configs,
    );
    const attempts = new Map(hosts.map((h) => [h.host, h.attempt]));
    const driver = this.create(record, plan, lease.epoch, await store.lastEventSeq(record.id), attempts);
    if (record.state === 'pending') {
      driver.rollout.start(now);
    } else {
      // `needs-password` is a running job that starts nothing until the password is given again.
      const parked = record.state === 'needs-password';
      driver.rollout.restore({
        jobState: parked ? 'running' : record.state,
        reason: parked ? '' : record.reason,
        draining: record.state === 'running' && record.reason !== '' ? record.reason : undefined,
        startedAt: record.startedAt,
        hostStates: hosts.map((h) => h.state),
      });
    }
    return { driver, hosts, epoch: lease.epoch };
  }

  private ledgerFor(namespace: string): ConstraintLedger {
    let l = this.ledgers.get(namespace);
    if (!l) {
      l = new ConstraintLedger();
      this.ledgers.set(namespace, l);
    }
    return l;
  }
}
