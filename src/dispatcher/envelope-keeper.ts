// Sealed password envelopes of live jobs, in memory only: never written to the store, a log or an answer.
import type { SealedBox, SealedEnvelope } from '../model/index.ts';
import type { JobDriver } from './job-driver.ts';
import type { WorkerFilter } from './task-board.ts';

/**
 * Per job, the box sealed to each worker certificate (by fingerprint). A job's boxes are dropped when the
 * job ends or is unloaded; after a restart they are gone and the job waits in `needs-password`.
 */
export class EnvelopeKeeper {
  private readonly jobs = new Map<string, ReadonlyMap<string, SealedBox>>();

  /** Keep (or replace) the envelope of a job. */
  set(jobId: string, envelope: SealedEnvelope): void {
    this.jobs.set(jobId, new Map(envelope.boxes.map((b) => [b.to, b])));
  }

  has(jobId: string): boolean {
    return this.jobs.has(jobId);
  }

  /** The box for the worker whose certificate has `fingerprint`, if the envelope holds one. */
  boxFor(jobId: string, fingerprint: string | undefined): SealedBox | undefined {
    return fingerprint === undefined ? undefined : this.jobs.get(jobId)?.get(fingerprint);
  }

  /** The box for that worker as the task message carries it (JSON), if any. */
  boxJson(jobId: string, fingerprint: string | undefined): string | undefined {
    const box = this.boxFor(jobId, fingerprint);
    return box === undefined ? undefined : JSON.stringify(box);
  }

  /** A sealed job's tasks go only to workers holding a box of its envelope; other jobs' go anywhere. */
  workersFor(jobId: string, sealed: boolean): WorkerFilter {
    if (!sealed) return () => true;
    return (w) => this.boxFor(jobId, w.fingerprint) !== undefined;
  }

  /**
   * Park a sealed job whose envelope is gone (a restart, or a retry after it ended) in `needs-password`.
   * Call after the rollout's own rows were written (a retry or resume writes `running`), so this one wins.
   */
  parkIfGone(d: JobDriver, now: number): void {
    if (!d.sealed || d.parked || this.has(d.id)) return;
    if (d.rollout.jobStateNow !== 'running' || d.rollout.draining) return;
    d.park(
      now,
      `the password is gone (the server restarted or the job had ended); give it again: pogo resume ${d.id} --password`,
    );
  }

  drop(jobId: string): void {
    this.jobs.delete(jobId);
  }

  /** How many jobs hold an envelope now (a gauge; never the contents). */
  get size(): number {
    return this.jobs.size;
  }
}
