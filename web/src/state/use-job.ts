// Loads a job for its page — view, plan and every host (pages of 5,000) — then follows its event stream.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { JobPlanView, JobSnapshot, JobView } from '../../../src/model/index.ts';
import { api, seg } from '../api/client.ts';
import { followJob } from '../api/job-stream.ts';
import { JobModel } from './job-model.ts';

/** Stream status as the page shows it. */
export type StreamStatus = 'connecting' | 'live' | 'ended' | 'error';

/** The job `ref`'s model, plan, load error and stream status; `refresh` re-reads the view after an action. */
export function useJob(ref: string) {
  const model = useMemo(() => new JobModel(), [ref]);
  useEffect(() => {
    // For the console and `npm run bench:ui`: the live model of the job on screen.
    (globalThis as { pogoJob?: JobModel }).pogoJob = model;
  }, [model]);
  const [plan, setPlan] = useState<JobPlanView | undefined>();
  const [error, setError] = useState('');
  const [loaded, setLoaded] = useState(false);
  const [stream, setStream] = useState<StreamStatus>('connecting');
  const [generation, setGeneration] = useState(0);
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    const ctl = new AbortController();
    setLoaded(false);
    setError('');
    void (async () => {
      try {
        // Snapshot and plan together: the snapshot's view and hosts are as new as its lastSeq, where the stream starts.
        const [snap, planned] = await Promise.all([
          api<JobSnapshot>(`/v1/jobs/${seg(ref)}/snapshot`, { signal: ctl.signal }),
          api<JobPlanView>(`/v1/jobs/${seg(ref)}/plan`, { signal: ctl.signal }).catch(() => undefined),
        ]);
        performance.mark('pogo:snapshot-loaded');
        model.load(snap);
        setPlan(planned);
        setLoaded(true);
      } catch (e: unknown) {
        if (!ctl.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      }
    })();
    return () => ctl.abort();
  }, [ref, model]);

  const refresh = useCallback(
    async (view?: JobView) => {
      const job = view ?? (await api<JobView>(`/v1/jobs/${seg(model.job?.id ?? ref)}`));
      model.setJob(job);
      // A retried or resumed job is open again: follow it again from where the model is.
      if (!model.ended) setGeneration((g) => g + 1);
    },
    [model, ref],
  );

  useEffect(() => {
    const job = model.job;
    if (!loaded || !job || model.ended) {
      if (loaded) setStream('ended');
      return;
    }
    setStream('connecting');
    const close = followJob(job.id, model.lastSeq, {
      onEvents: (events) => {
        model.push(events);
        // Job-level events change what only the server knows (blocking groups, draining): re-read soon.
        if (events.some((e) => e.type.startsWith('job:')) && refreshTimer.current === undefined) {
          refreshTimer.current = setTimeout(() => {
            refreshTimer.current = undefined;
            void refresh().catch(() => undefined);
          }, 300);
        }
      },
      onEnd: () => setStream('ended'),
      onError: () => setStream('error'),
      onOpen: () => setStream('live'),
    });
    return () => {
      close();
      clearTimeout(refreshTimer.current);
      refreshTimer.current = undefined;
    };
  }, [loaded, model, generation, refresh]);

  return { model, plan, error, loaded, stream, refresh };
}
