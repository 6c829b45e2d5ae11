// /v1/users: users, their roles per namespace and their tokens; every route needs admin on every namespace (`*`).
import type { FastifyInstance } from 'fastify';
import type { PogoService } from '../../dispatcher/index.ts';
import { PogoError } from '../../model/index.ts';
import type { Accounts } from '../../security/index.ts';
import { addRoute } from '../route.ts';
import {
  addUserBody,
  grantBody,
  grantParams,
  newTokenBody,
  tokenParams,
  userParams,
} from '../user-schemas.ts';

const tag = 'users';
const common = { role: 'admin', scope: 'global', tag } as const;

/** Register the user routes; without `accounts` (tests over a service double) they answer INTERNAL. */
export function registerUserRoutes(
  app: FastifyInstance,
  service: PogoService,
  accounts: Accounts | undefined,
): void {
  const need = (): Accounts => {
    if (!accounts) throw new PogoError('INTERNAL', 'this server has no user accounts (no store)');
    return accounts;
  };
  addRoute(app, service, {
    ...common,
    method: 'GET',
    url: '/v1/users',
    summary: 'Every user with their grants and tokens (ids and dates; never a secret)',
    returns: '`{ items: UserView[] }`',
    handler: async () => ({ items: await need().listUsers() }),
  });
  addRoute(app, service, {
    ...common,
    method: 'POST',
    url: '/v1/users',
    summary: 'Add a user with a first role and a first token (the token is in this answer only)',
    returns: '`{ user: UserView, token }`',
    status: 201,
    body: addUserBody,
    handler: ({ body, actor }) =>
      need().addUser(
        body.name,
        [{ namespace: body.namespace, role: body.role }],
        optional(body.label, body.expiresAt),
        actor,
      ),
  });
  addRoute(app, service, {
    ...common,
    method: 'DELETE',
    url: '/v1/users/:name',
    summary: 'Revoke a user: every token revoked, the user disabled (kept for the audit trail)',
    returns: 'UserView',
    params: userParams,
    handler: ({ params, actor }) => need().revokeUser(params.name, actor),
  });
  addRoute(app, service, {
    ...common,
    method: 'POST',
    url: '/v1/users/:name/tokens',
    summary: 'A new token for the user (in this answer only)',
    returns: '`{ token, info: TokenInfo }`',
    status: 201,
    params: userParams,
    body: newTokenBody,
    handler: ({ params, body, actor }) =>
      need().createToken(params.name, optional(body.label, body.expiresAt), actor),
  });
  addRoute(app, service, {
    ...common,
    method: 'DELETE',
    url: '/v1/users/:name/tokens/:id',
    summary: 'Revoke one token by its id',
    returns: 'TokenInfo',
    params: tokenParams,
    handler: ({ params, actor }) => need().revokeToken(params.name, params.id, actor),
  });
  addRoute(app, service, {
    ...common,
    method: 'PUT',
    url: '/v1/users/:name/grants/:ns',
    summary: 'Give the user a role on a namespace (`*`: every namespace), replacing the one held there',
    returns: 'UserView',
    params: grantParams,
    body: grantBody,
    handler: ({ params, body, actor }) =>
      need().setGrant(params.name, { namespace: params.ns, role: body.role }, actor),
  });
  addRoute(app, service, {
    ...common,
    method: 'DELETE',
    url: '/v1/users/:name/grants/:ns',
    summary: "Take the user's role on a namespace away",
    returns: 'UserView',
    params: grantParams,
    handler: ({ params, actor }) => need().removeGrant(params.name, params.ns, actor),
  });
}

/** A token request from optional body fields; a past expiry is a bad request naming the field. */
function optional(
  label: string | undefined,
  expiresAt: number | undefined,
): { label?: string; expiresAt?: number } {
  if (expiresAt !== undefined && expiresAt <= Date.now()) {
    throw new PogoError('API_BAD_REQUEST', 'expiresAt: the date is in the past');
  }
  return { ...(label === undefined ? {} : { label }), ...(expiresAt === undefined ? {} : { expiresAt }) };
}
