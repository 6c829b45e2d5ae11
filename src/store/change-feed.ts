// The listeners of Store.watch, and which changes each write announces (the same for both dialects).
import type { JobRequest, ProgressBatch, StoreChange } from './types.ts';

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

/** The changes a committed progress batch announces: one `events` per job with new events. */
export function progressChanges(batch: ProgressBatch): StoreChange[] {
  return [...new Set(batch.events.map((e) => e.jobId))].map((jobId) => ({ topic: 'events', jobId }));
}

export const jobChange = (jobId: string): StoreChange => ({ topic: 'job', jobId });
export const requestChange = (r: Pick<JobRequest, 'jobId'>): StoreChange => ({
  topic: 'request',
  jobId: r.jobId,
});
