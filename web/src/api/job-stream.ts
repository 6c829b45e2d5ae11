// Follows a job's SSE stream (EventSource, `?after=` the snapshot's seq) and hands events to the model in bursts.
import type { EventRecord } from '../../../src/model/index.ts';
import { queryString, seg, storedToken } from './client.ts';

/** Every event type the server sends on a job's stream (EventSource needs a listener per name). */
export const EVENT_TYPES = [
  'job:submitted',
  'job:started',
  'job:halt-requested',
  'job:halting',
  'job:halted',
  'job:succeeded',
  'job:failed',
  'job:resumed',
  'job:needs-password',
  'job:password-given',
  'host:started',
  'host:succeeded',
  'host:failed',
  'host:unreachable',
  'host:timed_out',
  'host:lost',
  'host:halted',
  'host:requeued',
  'host:retried',
  'host:skipped',
] as const satisfies readonly EventRecord['type'][];

/** What the stream reports besides events. */
export interface StreamHandlers {
  readonly onEvents: (events: EventRecord[]) => void;
  /** The job ended and every event was delivered (`event: end`). */
  readonly onEnd: () => void;
  /** The stream could not be (re)opened, or the server sent an error frame. */
  readonly onError: (message: string) => void;
  /** Connected (again). */
  readonly onOpen?: () => void;
}

/** Open the stream after `afterSeq`; EventSource reconnects by itself with Last-Event-ID. Returns the close. */
export function followJob(jobId: string, afterSeq: number, h: StreamHandlers): () => void {
  const url = `/v1/jobs/${seg(jobId)}/events${queryString({ after: afterSeq, access_token: storedToken() })}`;
  const source = new EventSource(url);
  const onEvent = (ev: MessageEvent<string>): void => h.onEvents([JSON.parse(ev.data) as EventRecord]);
  for (const type of EVENT_TYPES) source.addEventListener(type, onEvent);
  source.addEventListener('end', () => {
    source.close();
    h.onEnd();
  });
  source.addEventListener('error', (ev: Event) => {
    if (ev instanceof MessageEvent && typeof ev.data === 'string') {
      const body = JSON.parse(ev.data) as { message?: string };
      h.onError(body.message ?? 'the event stream failed');
    } else if (source.readyState === EventSource.CLOSED) {
      h.onError('the event stream closed; reload to follow the job again');
    }
  });
  source.addEventListener('open', () => h.onOpen?.());
  return () => source.close();
}
