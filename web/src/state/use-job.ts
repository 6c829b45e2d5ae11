// Loads a job for its page — view, plan and every host (pages of 5,000) — then follows its event stream.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { HostRecord, JobPlanView, JobView, Page } from '../../../src/model/index.ts';
import { api, seg } from '../api/client.ts';
import { followJob } from '../api/job-stream.ts';
import { JobModel } from './job-model.ts';

/** Stream status as the page shows it. */
export type StreamStatus = 'connecting' | 'live' | 'ended' | 'error';

/** Every host of a job, in plan order (bounded: 100 pages of 5,000). */
async function allHosts(jobId: string, signal: AbortSignal): Promise<HostRecord[]> {
  const hosts: HostRecord[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const q = cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const page = await api<Page<HostRecord>>(`/v1/jobs/${seg(jobId)}/hosts?limit=5000${q}`, { signal });
    hosts.push(...page.items);
    cursor = page.next;
    if (cursor === undefined) break;
  }
  return hosts;
}

/** The job `ref`'s model, plan, load error and stream status; `refresh` re-reads the view after an action. */
export function useJob(ref: string) {
  const model = useMemo(() => new JobModel(), [ref]);
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
        // The view first: its lastSeq is older than the hosts read next, so the stream misses nothing.
        const job = await api<JobView>(`/v1/jobs/${seg(ref)}`, { signal: ctl.signal });
        const planned = api<JobPlanView>(`/v1/jobs/${seg(job.id)}/plan`, { signal: ctl.signal }).catch(
          () => undefined,
        );
        const hosts = await allHosts(job.id, ctl.signal);
        model.load(job, hosts);
        setPlan(await planned);
        setLoaded(true);
      } catch (e: unknown) {
        if (!ctl.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      }
    })();
    return () => ctl.abort();
  }, [ref, model]);

  const reload = useCallback(
    async (id: string) => {
      const ctl = new AbortController();
      const view = await api<JobView>(`/v1/jobs/${seg(id)}`, { signal: ctl.signal });
      const hosts = await allHosts(id, ctl.signal);
      if (view.lastSeq >= model.lastSeq) model.load(view, hosts);
    },
    [model],
  );

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
      onEnd: () => {
        setStream('ended');
        // The final word: re-read the hosts once (exit codes and messages as stored).
        void reload(job.id).catch(() => undefined);
      },
      onError: () => setStream('error'),
      onOpen: () => setStream('live'),
    });
    return () => {
      close();
      clearTimeout(refreshTimer.current);
      refreshTimer.current = undefined;
    };
  }, [loaded, model, generation, refresh, reload]);

  return { model, plan, error, loaded, stream, refresh };
}
