// React's view of a JobModel: re-render when a batch of events was applied (at most once per frame).
import { useSyncExternalStore } from 'react';
import type { JobModel } from './job-model.ts';

/** The model's version; components read the model's arrays directly while rendering. */
export function useJobModel(model: JobModel): number {
  return useSyncExternalStore(
    (l) => model.subscribe(l),
    () => model.version,
  );
}
