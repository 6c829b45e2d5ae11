// Hosts of a job, one host, its output (JSON or raw bytes), and a host's history across jobs.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PogoService } from '../../dispatcher/index.ts';
import type { OutputChunkRecord } from '../../model/index.ts';
import type { OutputPage } from '../../store/index.ts';
import { addRoute } from '../route.ts';
import {
  historyQuery,
  hostParams,
  jobHostParams,
  jobParams,
  listHostsQuery,
  outputQuery,
} from '../schemas.ts';
import { jobIdOf } from './job-ref.ts';

const tag = 'hosts';

/** An output chunk in a JSON answer: `data` is base64, `text` the same bytes as UTF-8 (invalid bytes replaced). */
export interface OutputChunkJson extends Omit<OutputChunkRecord, 'data'> {
  readonly data: string;
  readonly text: string;
}

/** GET …/output as JSON. */
export interface OutputPageJson extends Omit<OutputPage, 'chunks'> {
  readonly chunks: readonly OutputChunkJson[];
}

/** Register the host routes. */
export function registerHostRoutes(app: FastifyInstance, service: PogoService): void {
  addRoute(app, service, {
    method: 'GET',
    url: '/v1/jobs/:ref/hosts',
    role: 'viewer',
    scope: 'job',
    tag,
    summary: "List a job's hosts in plan order",
    returns: 'Page<HostRecord>: `{ items, next? }`',
    params: jobParams,
    query: listHostsQuery,
    handler: async ({ params, query: { q, ...filter }, actor }) => {
      const id = await jobIdOf(service, params.ref, actor);
      return service.listHosts(id, q === undefined ? filter : { ...filter, text: q });
    },
  });
  addRoute(app, service, {
    method: 'GET',
    url: '/v1/jobs/:ref/hosts/:host',
    role: 'viewer',
    scope: 'job',
    tag,
    summary: 'Show one host of a job',
    returns: 'HostRecord',
    params: jobHostParams,
    handler: async ({ params, actor }) =>
      service.getHost(await jobIdOf(service, params.ref, actor), params.host),
  });
  addRoute(app, service, {
    method: 'GET',
    url: '/v1/jobs/:ref/hosts/:host/output',
    role: 'viewer',
    scope: 'job',
    tag,
    summary: "Read a host's output: JSON chunks, or the bytes with `Accept: text/plain` or `?format=raw`",
    returns:
      'OutputPage with base64 `data` and UTF-8 `text` per chunk; raw: the bytes, with X-Pogo-Attempt, ' +
      'X-Pogo-Next-Offset, X-Pogo-Total and X-Pogo-Truncated headers',
    params: jobHostParams,
    query: outputQuery,
    produces: ['application/octet-stream'],
    handler: async ({ params, query: { format, ...range }, actor, request, reply }) => {
      const page = await service.readOutput(await jobIdOf(service, params.ref, actor), params.host, range);
      if (!wantsRaw(format, request)) return toJson(page);
      void reply.type('application/octet-stream').headers({
        'x-pogo-attempt': String(page.attempt),
        'x-pogo-next-offset': String(page.nextOffset),
        'x-pogo-total': String(page.total),
        'x-pogo-truncated': String(page.truncated),
      });
      return Buffer.concat(page.chunks.map((c) => c.data));
    },
  });
  addRoute(app, service, {
    method: 'GET',
    url: '/v1/hosts/:host/history',
    role: 'viewer',
    scope: 'global',
    tag,
    summary: 'Runs of a host across jobs, newest first',
    returns: '`{ items: HostRecord[] }`',
    params: hostParams,
    query: historyQuery,
    handler: async ({ params, query }) => ({ items: await service.hostHistory(params.host, query.limit) }),
  });
}

/** `?format` decides; else an Accept naming text/plain or octet-stream (and not JSON) asks for bytes. */
function wantsRaw(format: 'json' | 'raw' | undefined, request: FastifyRequest): boolean {
  if (format !== undefined) return format === 'raw';
  const accept = request.headers.accept ?? '';
  return /text\/plain|application\/octet-stream/.test(accept) && !accept.includes('application/json');
}

function toJson(page: OutputPage): OutputPageJson {
  const chunks = page.chunks.map(({ data, ...chunk }) => ({
    ...chunk,
    data: data.toString('base64'),
    text: data.toString('utf8'),
  }));
  return { ...page, chunks };
}
