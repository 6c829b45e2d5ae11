// Authentication (bearer tokens, or a trusted proxy's user header) and role checks per namespace.
import type {
  FastifyInstance,
  FastifyRequest,
  onRequestAsyncHookHandler,
  preHandlerAsyncHookHandler,
} from 'fastify';
import type { PogoService } from '../dispatcher/index.ts';
import type { Actor, Role } from '../model/index.ts';
import { PogoError, grantsOf, hasRole, roleRank } from '../model/index.ts';
import type { Accounts } from '../security/index.ts';
import type { TrustedProxy } from './trusted-proxy.ts';
import { compileProxy } from './trusted-proxy.ts';

export type { Role } from '../model/index.ts';
export type { TrustedProxy } from './trusted-proxy.ts';

/**
 * Where a route's namespace comes from, for its role check: `global` needs the role on `*` (users, audit,
 * host history across namespaces); `any` needs it on some namespace (lists, which show only what the caller
 * may view); `job` is the namespace of the job `:ref`; `body` the submit body's `namespace` (default
 * `default`); `{ param }` a path parameter (`:ns`).
 */
export type Scope = 'global' | 'any' | 'job' | 'body' | { readonly param: string };

/** How the API identifies callers. */
export interface AuthOptions {
  readonly service: PogoService;
  /** The store's accounts; without them the service's `authenticate` is used (tests). */
  readonly accounts?: Accounts | undefined;
  readonly trustedProxy?: TrustedProxy | undefined;
}

const TOKEN_HINT = 'send `Authorization: Bearer TOKEN` (GET requests may pass `?access_token=TOKEN`)';

const actors = new WeakMap<FastifyRequest, Actor>();

/** Compiled {@link AuthOptions}. */
interface Auth {
  readonly identify: (request: FastifyRequest) => Promise<Actor>;
}

/**
 * The hooks of a route: onRequest identifies the caller and refuses one who holds `role` nowhere (before the
 * body is read); preHandler, once params and body are valid, checks `role` on the route's namespace.
 */
export function roleHooks(
  auth: Auth,
  service: PogoService,
  role: Role,
  scope: Scope,
): { onRequest: onRequestAsyncHookHandler; preHandler: preHandlerAsyncHookHandler } {
  return {
    onRequest: async (request) => {
      const actor = await auth.identify(request);
      const where = scope === 'global' ? '*' : undefined;
      if (!hasRole(actor, role, where)) throw forbidden(request, actor, role, where);
      actors.set(request, actor);
    },
    preHandler: async (request) => {
      const actor = actorOf(request);
      const namespace = await namespaceOf(service, request, actor, scope);
      if (namespace !== undefined && !hasRole(actor, role, namespace)) {
        throw forbidden(request, actor, role, namespace);
      }
    },
  };
}

/** Build the caller lookup once per app. */
export function compileAuth(options: AuthOptions): Auth {
  const proxy = options.trustedProxy && compileProxy(options.trustedProxy);
  const byToken = async (token: string, remote: string): Promise<Actor> => {
    const actor = options.accounts
      ? await options.accounts.authenticate(token, remote)
      : await options.service.authenticate(token, remote);
    if (actor === undefined)
      throw new PogoError('API_UNAUTHORIZED', 'unknown or revoked token', { hint: TOKEN_HINT });
    return actor;
  };
  return {
    identify: async (request) => {
      const token = tokenOf(request);
      if (token !== undefined) return byToken(token, request.ip);
      const named = proxy?.userOf(request);
      if (named !== undefined) {
        if (!options.accounts) throw new PogoError('INTERNAL', 'trusted-proxy mode needs the store accounts');
        return options.accounts.actorFor(named, request.ip);
      }
      throw new PogoError('API_UNAUTHORIZED', 'no bearer token', { hint: TOKEN_HINT });
    },
  };
}

/** The caller that the role hooks admitted (an error if the route has none). */
export function actorOf(request: FastifyRequest): Actor {
  const actor = actors.get(request);
  if (actor === undefined) throw new PogoError('INTERNAL', `route ${request.url} has no role check`);
  return actor;
}

/** Namespaces named in the actor's grants (`*` included), for filtering lists. */
export function grantedNamespaces(actor: Actor, role: Role): { all: boolean; namespaces: string[] } {
  const all = hasRole(actor, role, '*');
  const namespaces = grantsOf(actor)
    .filter((g) => g.namespace !== '*' && roleRank(g.role) >= roleRank(role))
    .map((g) => g.namespace);
  return { all, namespaces };
}

async function namespaceOf(
  service: PogoService,
  request: FastifyRequest,
  actor: Actor,
  scope: Scope,
): Promise<string | undefined> {
  if (scope === 'global' || scope === 'any') return undefined;
  if (scope === 'body') {
    const body = request.body as { namespace?: unknown } | undefined;
    return typeof body?.namespace === 'string' ? body.namespace : 'default';
  }
  const params = request.params as Record<string, string | undefined>;
  if (scope === 'job') return (await service.getJob(params.ref ?? '', actor)).namespace;
  return params[scope.param] ?? '';
}

function forbidden(
  request: FastifyRequest,
  actor: Actor,
  role: Role,
  namespace: string | undefined,
): PogoError {
  const where =
    namespace === undefined
      ? 'on some namespace'
      : namespace === '*'
        ? 'on every namespace (*)'
        : `on namespace ${namespace}`;
  return new PogoError(
    'API_FORBIDDEN',
    `${request.method} ${request.routeOptions.url ?? ''} needs the ${role} role ${where}; ${actor.user} is ${
      grantsOf(actor)
        .map((g) => `${g.role} on ${g.namespace}`)
        .join(', ') || 'granted no role'
    }`,
  );
}

function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined && header !== '') return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (request.method !== 'GET') return undefined;
  const query = request.query as Record<string, unknown> | undefined;
  const token = query?.access_token;
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/** Store the compiled auth on the app so that {@link addRoute} finds it. */
export function installAuth(app: FastifyInstance, options: AuthOptions): void {
  authByApp.set(app, compileAuth(options));
}

/** The auth {@link installAuth} put on `app`. */
export function authOf(app: FastifyInstance): Auth {
  const auth = authByApp.get(app);
  if (!auth) throw new PogoError('INTERNAL', 'installAuth was not called before the routes were added');
  return auth;
}

const authByApp = new WeakMap<FastifyInstance, Auth>();
