// A job's event log: a JSON page, or (Accept: text/event-stream) a live SSE stream that resumes by Last-Event-ID.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PogoService, Unsubscribe } from '../../dispatcher/index.ts';
import type { Actor } from '../../model/index.ts';
import { PogoError } from '../../model/index.ts';
import { toErrorReply } from '../errors.ts';
import { addRoute } from '../route.ts';
import { eventsQuery, jobParams } from '../schemas.ts';
import { SseStream } from '../sse-stream.ts';
import type { SseStreamOptions } from '../sse-stream.ts';
import { jobIdOf } from './job-ref.ts';

/** Register GET /v1/jobs/:ref/events; open streams are ended when the server closes. */
export function registerEventRoutes(app: FastifyInstance, service: PogoService, sse: SseStreamOptions): void {
  const open = new Set<SseStream>();
  app.addHook('preClose', (done) => {
    for (const stream of open) stream.end();
    done();
  });
  addRoute(app, service, {
    method: 'GET',
    url: '/v1/jobs/:ref/events',
    role: 'viewer',
    scope: 'job',
    tag: 'jobs',
    summary:
      "A job's events with seq > `after`; with `Accept: text/event-stream`, a live SSE stream " +
      '(`id: seq`, `event: type`, `data: EventRecord`; resumes from `Last-Event-ID`; ends with `event: end`)',
    returns: '`{ items: EventRecord[] }`, or an SSE stream',
    params: jobParams,
    query: eventsQuery,
    produces: ['text/event-stream'],
    handler: async ({ params, query, actor, request, reply }) => {
      if (wantsEventStream(request)) {
        const after = lastEventId(request) ?? query.after ?? 0;
        await streamEvents({ service, ref: params.ref, after, actor, request, reply, sse, open });
        return undefined;
      }
      const id = await jobIdOf(service, params.ref, actor);
      return { items: await service.readEvents(id, query.after ?? 0, query.limit) };
    },
  });
}

interface StreamRequest {
  readonly service: PogoService;
  readonly ref: string;
  readonly after: number;
  readonly actor: Actor;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  readonly sse: SseStreamOptions;
  readonly open: Set<SseStream>;
}

/** Resolve the job (errors still answer as JSON), then hijack the reply and follow the job's events. */
async function streamEvents(s: StreamRequest): Promise<void> {
  const job = await s.service.getJob(s.ref, s.actor);
  s.reply.hijack();
  const stream = new SseStream(s.reply.raw, s.sse);
  s.open.add(stream);
  let unsubscribe: Unsubscribe | undefined;
  stream.onClose(() => {
    s.open.delete(stream);
    unsubscribe?.();
  });
  try {
    unsubscribe = await s.service.subscribe(
      job.id,
      s.after,
      (event) => stream.send(event.seq, event.type, event),
      () => {
        stream.send(undefined, 'end', {});
        stream.end();
      },
    );
    // The client may have gone (or the job ended) while subscribing.
    if (stream.closed) unsubscribe();
  } catch (e: unknown) {
    const mapped = toErrorReply(e);
    if (mapped.internal) s.request.log.error({ err: e }, 'event stream failed');
    stream.fail(mapped.body.error);
  }
}

function wantsEventStream(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/event-stream');
}

/** The `Last-Event-ID` header (a reconnecting EventSource sends the last seq it saw). */
function lastEventId(request: FastifyRequest): number | undefined {
  const raw = request.headers['last-event-id'];
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw.trim())) {
    throw new PogoError('API_BAD_REQUEST', 'headers.last-event-id: expected a whole number (an event seq)');
  }
  return Number(raw.trim());
}
