// Who am I, workers, audit, the OpenAPI document, and the unauthenticated probes (/healthz, /readyz, /metrics).
import type { FastifyInstance } from 'fastify';
import type { PogoService } from '../../dispatcher/index.ts';
import type { Accounts } from '../../security/index.ts';
import { addRoute } from '../route.ts';
import { auditQuery } from '../user-schemas.ts';

const tag = 'system';
const PUBLIC = { tags: [tag], security: [] } as const;

/**
 * Register the system routes. `/metrics`, `/healthz` and `/readyz` need no token: they name no job, host or
 * user, but `/metrics` does show load and counts, so a server that listens beyond loopback should keep
 * `/metrics` to its monitoring network (a proxy rule), as is usual for Prometheus endpoints.
 */
export function registerSystemRoutes(app: FastifyInstance, service: PogoService, accounts?: Accounts): void {
  addRoute(app, service, {
    method: 'GET',
    url: '/v1/me',
    role: 'viewer',
    scope: 'any',
    tag,
    summary: 'The caller: user, highest role, grants per namespace and remote address',
    returns: 'Actor',
    handler: ({ actor }) => Promise.resolve(actor),
  });
  addRoute(app, service, {
    method: 'GET',
    url: '/v1/workers',
    role: 'viewer',
    scope: 'any',
    tag,
    summary: 'Connected workers',
    returns: '`{ items: WorkerInfo[] }`',
    handler: () => Promise.resolve({ items: service.workers() }),
  });
  addRoute(app, service, {
    method: 'GET',
    url: '/v1/workers/certificates',
    role: 'viewer',
    scope: 'any',
    tag,
    summary: 'Worker certificates to seal password envelopes to (clients verify each against their CA first)',
    returns: '`{ items: WorkerCertificate[] }`',
    handler: () => Promise.resolve({ items: service.workerCertificates() }),
  });
  addRoute(app, service, {
    method: 'GET',
    url: '/v1/audit',
    role: 'admin',
    scope: 'global',
    tag,
    summary: 'The audit trail, newest first: who did what, when, from where (filters: user, action, since)',
    returns: '`{ items: AuditRecord[] }`',
    query: auditQuery,
    // The accounts read the same store as the service; with them, user changes and job actions are one trail.
    handler: async ({ query }) => ({ items: await (accounts ?? service).readAudit(query) }),
  });
  app.get('/v1/openapi.json', { schema: { ...PUBLIC, summary: 'This document', hide: true } }, () =>
    app.swagger(),
  );
  app.get(
    '/healthz',
    { schema: { ...PUBLIC, summary: 'Liveness: the process answers (touches nothing else)' } },
    () => ({ ok: true }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        ...PUBLIC,
        summary: 'Readiness: 200 when the store answers and recovery is done, else 503',
        response: {
          200: { description: '`{ ready: true }`' },
          503: { description: '`{ ready: false, reason }`' },
        },
      },
    },
    async (request, reply) => {
      const readiness = await service.readiness().catch((e: unknown) => {
        request.log.error({ err: e }, 'readiness check failed');
        return { ready: false, reason: 'the readiness check failed' };
      });
      void reply.code(readiness.ready ? 200 : 503);
      return readiness;
    },
  );
  app.get(
    '/metrics',
    {
      schema: {
        ...PUBLIC,
        summary:
          'Prometheus metrics (text format 0.0.4); no token: keep it to loopback or a monitoring network',
        produces: ['text/plain'],
        response: { 200: { description: 'Prometheus text exposition', type: 'string' } },
      },
    },
    async (_request, reply) => {
      const text = await service.metricsText();
      void reply.type('text/plain; version=0.0.4; charset=utf-8');
      return text;
    },
  );
}
