// The listeners of Store.watch, and which changes each write announces (the same for both dialects).
import type { JobRequest, ProgressBatch, RelayKey, StoreChange } from './types.ts';

export class ChangeFeed {
  private readonly listeners = new Set<(change: StoreChange) => void>();

  watch(listener: (change: StoreChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get watched(): boolean {
    return this.listeners.size > 0;
  }

  emit(change: StoreChange): void {
    for (const l of [...this.listeners]) {
      try {
        l(change);
      } catch {
        // A listener's failure is its own; the other listeners and the write are unaffected.
      }
    }
  }
}

/**
 * The changes a committed progress batch announces: `events` per job with new events, `relay` per job with
 * new relay results (for its owner), one `relay` without a job when tasks were offered (for carriers).
 */
export function progressChanges(batch: ProgressBatch): StoreChange[] {
  const events = [...new Set(batch.events.map((e) => e.jobId))].map((jobId): StoreChange => ({
    topic: 'events',
    jobId,
  }));
  const offers = (batch.relayOffers ?? []).length > 0 ? [carrierChange] : [];
  return [...events, ...relayChanges(batch.relayResults ?? []), ...offers];
}

/** One `relay` change per job of `keys` (for the jobs' owners). */
export function relayChanges(keys: readonly Pick<RelayKey, 'jobId'>[]): StoreChange[] {
  return [...new Set(keys.map((k) => k.jobId))].map((jobId) => ({ topic: 'relay', jobId }));
}

/** For carriers: tasks were offered, released or cancelled. */
export const carrierChange: StoreChange = { topic: 'relay' };

export const jobChange = (jobId: string): StoreChange => ({ topic: 'job', jobId });
export const requestChange = (r: Pick<JobRequest, 'jobId'>): StoreChange => ({
  topic: 'request',
  jobId: r.jobId,
});
