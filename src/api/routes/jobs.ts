// /v1/jobs: submit, list, show, and the operator's verbs (halt, resume, retry, skip, rollback).
import type { FastifyInstance } from 'fastify';
import type { PogoService } from '../../dispatcher/index.ts';
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
    tag,
    summary: 'List jobs, newest first',
    returns: 'Page<JobRecord>: `{ items, next? }`',
    query: listJobsQuery,
    handler: ({ query: { q, ...filter } }) =>
      service.listJobs(q === undefined ? filter : { ...filter, text: q }),
  });
  addRoute(app, service, {
    method: 'GET',
    url: '/v1/jobs/:ref',
    role: 'viewer',
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
