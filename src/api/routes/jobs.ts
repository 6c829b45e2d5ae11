// /v1/jobs: submit, list, show, and the operator's verbs (halt, resume, retry, skip, rollback).
import type { FastifyInstance } from 'fastify';
import type { PogoService } from '../../dispatcher/index.ts';
import type { Actor } from '../../model/index.ts';
import { PogoError } from '../../model/index.ts';
import type { JobFilter } from '../../store/index.ts';
import { grantedNamespaces } from '../auth.ts';
import { addRoute } from '../route.ts';
import {
  haltBody,
  hostsBody,
  jobParams,
  listJobsQuery,
  resumeBody,
  rollbackBody,
  submitJobBody,
} from '../schemas.ts';

const tag = 'jobs';

/** Register the job routes. */
export function registerJobRoutes(app: FastifyInstance, service: PogoService): void {
  addRoute(app, service, {
    method: 'POST',
    url: '/v1/jobs',
    role: 'operator',
    scope: 'body',
    tag,
    summary: 'Submit a job',
    returns: 'The new job (JobRecord)',
    status: 201,
    body: submitJobBody,
    handler: ({ body, actor }) => service.submitJob(body, actor),
  });
  addRoute(app, service, {
    method: 'GET',
    url: '/v1/jobs',
    role: 'viewer',
    scope: 'any',
    tag,
    summary: 'List jobs, newest first',
    returns: 'Page<JobRecord>: `{ items, next? }`',
    query: listJobsQuery,
    handler: ({ query: { q, ...filter }, actor }) => {
      const scoped = visibleJobs(filter, actor);
      return service.listJobs(q === undefined ? scoped : { ...scoped, text: q });
    },
  });
  addRoute(app, service, {
    method: 'GET',
    url: '/v1/jobs/:ref',
    role: 'viewer',
    scope: 'job',
    tag,
    summary: 'Show a job (`:ref` is an id, a unique prefix, or `last`)',
    returns: 'JobView',
    params: jobParams,
    handler: ({ params, actor }) => service.getJob(params.ref, actor),
  });
  addRoute(app, service, {
    method: 'POST',
    url: '/v1/jobs/:ref/halt',
    role: 'operator',
    scope: 'job',
    tag,
    summary: 'Halt a job: nothing new starts; `kill` also stops running commands',
    returns: 'JobView',
    params: jobParams,
    body: haltBody,
    handler: ({ params, body, actor }) => service.halt(params.ref, actor, body),
  });
  addRoute(app, service, {
    method: 'POST',
    url: '/v1/jobs/:ref/resume',
    role: 'operator',
    scope: 'job',
    tag,
    summary: 'Resume a halted job',
    returns: 'JobView',
    params: jobParams,
    body: resumeBody,
    handler: ({ params, body, actor }) =>
      service.resume(params.ref, actor, body?.envelope ? { envelope: body.envelope } : undefined),
  });
  addRoute(app, service, {
    method: 'POST',
    url: '/v1/jobs/:ref/retry',
    role: 'operator',
    scope: 'job',
    tag,
    summary: 'Run failed hosts again',
    returns: 'JobView',
    params: jobParams,
    body: hostsBody,
    handler: ({ params, body, actor }) => service.retry(params.ref, body.hosts, actor),
  });
  addRoute(app, service, {
    method: 'POST',
    url: '/v1/jobs/:ref/skip',
    role: 'operator',
    scope: 'job',
    tag,
    summary: 'Skip hosts (they count as finished and release their slots)',
    returns: 'JobView',
    params: jobParams,
    body: hostsBody,
    handler: ({ params, body, actor }) => service.skip(params.ref, body.hosts, actor),
  });
  addRoute(app, service, {
    method: 'POST',
    url: '/v1/jobs/:ref/rollback',
    role: 'operator',
    scope: 'job',
    tag,
    summary: 'Start a job running `command` on the hosts that succeeded, in reverse order',
    returns: 'The rollback job (JobRecord)',
    status: 201,
    params: jobParams,
    body: rollbackBody,
    handler: ({ params, body, actor }) =>
      service.rollback(
        params.ref,
        body.command,
        actor,
        body.envelope ? { envelope: body.envelope } : undefined,
      ),
  });
}

/** The filter narrowed to the namespaces the caller may view (all of them with a `*` viewer grant). */
function visibleJobs<F extends JobFilter>(filter: F, actor: Actor): F {
  const { all, namespaces } = grantedNamespaces(actor, 'viewer');
  if (all) return filter;
  if (filter.namespace !== undefined && !namespaces.includes(filter.namespace)) {
    throw new PogoError('API_FORBIDDEN', `${actor.user} may not view namespace ${filter.namespace}`);
  }
  return { ...filter, namespaces };
}
