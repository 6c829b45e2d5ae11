// Bearer-token authentication and role checks: who is calling, and may they do this.
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { PogoService } from '../dispatcher/index.ts';
import type { Actor } from '../model/index.ts';
import { PogoError } from '../model/index.ts';

/** A role a route needs. */
export type Role = Actor['role'];

const RANK: Readonly<Record<Role, number>> = { viewer: 0, operator: 1, admin: 2 };
const TOKEN_HINT = 'send `Authorization: Bearer TOKEN` (GET requests may pass `?access_token=TOKEN`)';

const actors = new WeakMap<FastifyRequest, Actor>();

/**
 * An onRequest hook: resolve the caller from `Authorization: Bearer …` (or, for GET only, `?access_token=`,
 * since EventSource cannot set headers), then require `role`. Runs before the body is read or validated.
 */
export function requireRole(service: PogoService, role: Role): onRequestAsyncHookHandler {
  return async (request) => {
    const token = tokenOf(request);
    if (token === undefined) throw new PogoError('API_UNAUTHORIZED', 'no bearer token', { hint: TOKEN_HINT });
    const actor = await service.authenticate(token, request.ip);
    if (actor === undefined) {
      throw new PogoError('API_UNAUTHORIZED', 'unknown or revoked token', { hint: TOKEN_HINT });
    }
    if (RANK[actor.role] < RANK[role]) {
      throw new PogoError(
        'API_FORBIDDEN',
        `${request.method} ${request.routeOptions.url ?? ''} needs the ${role} role; ${actor.user} is ${actor.role}`,
      );
    }
    actors.set(request, actor);
  };
}

/** The caller that {@link requireRole} admitted (an error if the route has no role check). */
export function actorOf(request: FastifyRequest): Actor {
  const actor = actors.get(request);
  if (actor === undefined) throw new PogoError('INTERNAL', `route ${request.url} has no role check`);
  return actor;
}

function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined && header !== '') return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (request.method !== 'GET') return undefined;
  const query = request.query as Record<string, unknown> | undefined;
  const token = query?.access_token;
  return typeof token === 'string' && token !== '' ? token : undefined;
}
