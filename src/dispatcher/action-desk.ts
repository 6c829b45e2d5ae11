// Operators' actions on jobs: carried out here when this server drives the job (or may take it up), else by its owner.
import { PogoError } from '../model/index.ts';
import type { JobAction, Store } from '../store/index.ts';
import type { Cluster } from './cluster.ts';
import { applyAction } from './job-actions.ts';
import type { JobDriver } from './job-driver.ts';

/** What the desk needs of its dispatcher. */
export interface ActionDeskHost {
  /** The job's driver here, taking it up when no server drives it; undefined when another server does. */
  takeUp(jobId: string): Promise<JobDriver | undefined>;
  /** Run `action` on the job's rollout here, write it, let hosts start. */
  operate(jobId: string, action: (d: JobDriver, now: number) => void): Promise<JobDriver>;
  /** Nothing holds the job any more: give it up if it is done. */
  released(jobId: string): void;
  /** Stop every running task of the job (halt --kill). */
  cancelRunning(d: JobDriver): void;
  holdsEnvelope(jobId: string): boolean;
}

export interface ActionDeskOptions {
  readonly store: Store;
  readonly cluster: Cluster;
  /** Whether this server drives jobs at all (an API-only server forwards everything). */
  readonly deciding: boolean;
}

/**
 * A job an action is being carried out on is held (its lease kept, the job not given up) until the answer
 * is written, so no other server takes it meanwhile.
 */
export class ActionDesk {
  private readonly holds = new Map<string, number>();

  constructor(
    private readonly o: ActionDeskOptions,
    private readonly host: ActionDeskHost,
  ) {}

  /** Whether an action on the job is being answered. */
  isHeld(jobId: string): boolean {
    return this.holds.has(jobId);
  }

  /** Hold the job until the returned function is called. */
  hold(jobId: string): () => void {
    this.holds.set(jobId, (this.holds.get(jobId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.holds.get(jobId) ?? 1) - 1;
      if (n > 0) return void this.holds.set(jobId, n);
      this.holds.delete(jobId);
      this.host.released(jobId);
    };
  }

  /**
   * Carry out an operator's action: here when this server drives the job or can take it up, else through
   * the store by the server that drives it (waiting for its answer).
   */
  async act(jobId: string, action: JobAction, by: string): Promise<void> {
    if (await this.host.takeUp(jobId)) return this.actLocal(jobId, action, by);
    return this.o.cluster.forward(jobId, action, by);
  }

  /** Carry out an action on a job driven here (throws as the engine does). */
  async actLocal(jobId: string, action: JobAction, by: string): Promise<void> {
    const ctx = {
      cancelRunning: (d: JobDriver) => this.host.cancelRunning(d),
      holdsEnvelope: (id: string) => this.host.holdsEnvelope(id),
    };
    const release = this.hold(jobId);
    try {
      await this.host.operate(jobId, (d, now) => applyAction(d, action, by, now, ctx));
    } finally {
      release();
    }
  }

  /** A request was queued for a job no one drives: take it up (when free) and answer it here. */
  async serveRequests(jobId: string): Promise<void> {
    const release = this.hold(jobId);
    try {
      if (await this.host.takeUp(jobId)) await this.o.cluster.processRequests([jobId]);
    } finally {
      release();
    }
  }

  /**
   * Whether this server drives (or may now take) the namespace: a sealed job must be submitted where it
   * runs, since its envelope stays in that server's memory. Throws LEASE_LOST naming the server that does.
   */
  async mustDrive(jobId: string | undefined, namespace: string): Promise<void> {
    if (await this.o.cluster.ensure(namespace)) return;
    throw await this.drivenElsewhere(jobId, namespace);
  }

  /** LEASE_LOST naming the server that drives the job (or its namespace), as far as the store tells. */
  async drivenElsewhere(jobId: string | undefined, namespace: string): Promise<PogoError> {
    const leases = await this.o.store.activeLeases().catch(() => []);
    const owner = leases.find((l) => l.jobId === jobId || l.namespace === namespace)?.owner;
    const what = jobId !== undefined ? `job ${jobId}` : `namespace ${namespace}`;
    return new PogoError(
      'LEASE_LOST',
      `${what} is driven by ${owner ? `server ${owner}` : 'another server'}, which holds its passwords in memory`,
      {
        hint: this.o.deciding
          ? `send this request to ${owner ? `server ${owner}` : 'the server that drives it'}`
          : 'this server only serves the API (--roles api): send it to a dispatcher server',
      },
    );
  }
}
