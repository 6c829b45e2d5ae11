// One helper that declares a /v1 route: zod schemas for its parts, the role it needs, its OpenAPI summary.
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import { z } from 'zod';
import type { PogoService } from '../dispatcher/index.ts';
import type { Actor } from '../model/index.ts';
import { actorOf, authOf, roleHooks } from './auth.ts';
import type { Role, Scope } from './auth.ts';
import { errorResponseSchema } from './openapi.ts';

/** A validated request, as a route handler sees it. */
export interface RouteInput<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  readonly params: z.output<P>;
  readonly query: z.output<Q>;
  readonly body: z.output<B>;
  readonly actor: Actor;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

/** A route of the authenticated API. Omitted parts are not accepted (`params`) or ignored (query on POST). */
export interface RouteSpec<P extends z.ZodType, Q extends z.ZodObject, B extends z.ZodType> {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url: string;
  readonly role: Role;
  /** Where the namespace the role is needed on comes from (see {@link Scope}). */
  readonly scope: Scope;
  /** OpenAPI grouping: `jobs`, `hosts`, `namespaces`, `system`. */
  readonly tag: string;
  readonly summary: string;
  /** What a success returns (OpenAPI response description), e.g. `JobView`. */
  readonly returns: string;
  /** Status of a success; default 200. */
  readonly status?: 200 | 201;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** Request content types besides JSON (raw YAML). */
  readonly consumes?: readonly string[];
  /** Answer content types besides JSON (raw output, SSE). */
  readonly produces?: readonly string[];
  /**
   * The answer: an object (sent as JSON) or a Buffer (sent as it is, with the content type the handler set
   * on the reply). A handler that hijacked the reply (SSE) returns undefined.
   */
  readonly handler: (input: RouteInput<P, Q, B>) => Promise<unknown>;
}

/** `?access_token=`: accepted on every GET, documented on each. */
const accessToken = z
  .string()
  .min(1)
  .exactOptional()
  .describe('the bearer token, for clients that cannot set headers (EventSource)');

/** Register `spec` on `app`: role check on request, zod validation, status, OpenAPI metadata. */
export function addRoute<
  P extends z.ZodType = z.ZodNever,
  Q extends z.ZodObject = z.ZodObject,
  B extends z.ZodType = z.ZodNever,
>(app: FastifyInstance, service: PogoService, spec: RouteSpec<P, Q, B>): void {
  const status = spec.status ?? 200;
  const query = spec.method === 'GET' ? withAccessToken(spec.query ?? z.object({}).strict()) : spec.query;
  const schema: FastifySchema = {
    tags: [spec.tag],
    summary: spec.summary,
    description: `Needs the ${spec.role} role ${scopeText(spec.scope)}.`,
    ...(spec.params && { params: spec.params }),
    ...(query && { querystring: query }),
    ...(spec.body && { body: spec.body }),
    ...(spec.consumes && { consumes: ['application/json', ...spec.consumes] }),
    ...(spec.produces && { produces: ['application/json', ...spec.produces] }),
    response: { [status]: { description: spec.returns }, default: errorResponseSchema },
  };
  app.route({
    method: spec.method,
    url: spec.url,
    schema,
    ...roleHooks(authOf(app), service, spec.role, spec.scope),
    handler: async (request, reply) => {
      const result = await spec.handler({
        params: request.params as z.output<P>,
        query: request.query as z.output<Q>,
        body: request.body as z.output<B>,
        actor: actorOf(request),
        request,
        reply,
      });
      if (!reply.sent) void reply.code(status);
      return result;
    },
  });
}

function scopeText(scope: Scope): string {
  if (scope === 'global') return 'on every namespace (a `*` grant)';
  if (scope === 'any') return 'on some namespace (lists show only what the caller may view)';
  if (scope === 'job') return "on the job's namespace";
  if (scope === 'body') return 'on the namespace in the body (default `default`)';
  return `on the namespace \`:${scope.param}\``;
}

/** Accept (and document) `access_token` on a GET's query, and drop it after validation: it is no filter. */
function withAccessToken(query: z.ZodObject) {
  return query.extend({ access_token: accessToken }).transform(({ access_token: _, ...rest }) => rest);
}
