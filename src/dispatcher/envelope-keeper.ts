// Sealed password envelopes of live jobs, in memory only: never written to the store, a log or an answer.
import type { SealedBox, SealedEnvelope } from '../model/index.ts';

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

  drop(jobId: string): void {
    this.jobs.delete(jobId);
  }

  /** How many jobs hold an envelope now (a gauge; never the contents). */
  get size(): number {
    return this.jobs.size;
  }
}
