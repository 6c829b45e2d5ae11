// Read-only views for the web UI: a job's snapshot and plan, its hosts grouped by output, a namespace's use.
import type { FastifyInstance } from 'fastify';
import type { PogoService } from '../../dispatcher/index.ts';
import { addRoute } from '../route.ts';
import { jobParams, namespaceParams } from '../schemas.ts';
import { jobIdOf } from './job-ref.ts';

/** Register GET /v1/jobs/:ref/snapshot, …/plan, …/output-groups and /v1/namespaces/:ns/overview. */
export function registerInsightRoutes(app: FastifyInstance, service: PogoService): void {
  addRoute(app, service, {
    method: 'GET',
    url: '/v1/jobs/:ref/snapshot',
    role: 'viewer',
    scope: 'job',
    tag: 'jobs',
    summary:
      'A job and all its hosts in columns (plan order), as new as `job.lastSeq`: follow the stream from it',
    returns: 'JobSnapshot',
    params: jobParams,
    handler: ({ params, actor }) => service.snapshot(params.ref, actor),
  });
  addRoute(app, service, {
    method: 'GET',
    url: '/v1/jobs/:ref/plan',
    role: 'viewer',
    scope: 'job',
    tag: 'jobs',
    summary: "A job's plan: threads × slots and constraint groups, hosts as indices into `hosts`",
    returns: 'JobPlanView',
    params: jobParams,
    handler: async ({ params, actor }) => service.jobPlan(await jobIdOf(service, params.ref, actor)),
  });
  addRoute(app, service, {
    method: 'GET',
    url: '/v1/jobs/:ref/output-groups',
    role: 'viewer',
    scope: 'job',
    tag: 'hosts',
    summary: "A job's hosts grouped by identical output (`dshbak -c`), largest group first",
    returns: 'OutputGroups: `{ jobId, groups: [{ digest, bytes, hosts }], notRun }`',
    params: jobParams,
    handler: async ({ params, actor }) => service.outputGroups(await jobIdOf(service, params.ref, actor)),
  });
  addRoute(app, service, {
    method: 'GET',
    url: '/v1/namespaces/:ns/overview',
    role: 'viewer',
    scope: { param: 'ns' },
    tag: 'namespaces',
    summary: "A namespace's newest config resolved (hosts, tags, groups) and what its active jobs hold",
    returns: 'NamespaceOverview',
    params: namespaceParams,
    handler: ({ params }) => service.namespaceOverview(params.ns),
  });
}
