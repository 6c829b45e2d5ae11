// The timeline's time window: the whole job by default, or a zoomed part of it.
import type { JobModel } from '../state/job-model.ts';

/** A visible time window, ms since the epoch. */
export interface TimeWindow {
  readonly t0: number;
  readonly t1: number;
}

/** The job's time span: its start (or the first host start) to its end, or now while it runs. */
export function jobSpan(model: JobModel, now: number): TimeWindow {
  let t0 = model.job?.startedAt ?? Infinity;
  let t1 = model.job?.endedAt ?? -Infinity;
  for (let i = 0; i < model.hosts.length; i++) {
    const s = model.startedAt[i] ?? NaN;
    const e = model.endedAt[i] ?? NaN;
    if (!Number.isNaN(s) && s < t0) t0 = s;
    if (!Number.isNaN(e) && e > t1) t1 = e;
  }
  if (!Number.isFinite(t0)) t0 = now;
  if (model.job?.endedAt === null || !Number.isFinite(t1)) t1 = Math.max(t1, now);
  return { t0, t1: Math.max(t1, t0 + 1000) };
}
