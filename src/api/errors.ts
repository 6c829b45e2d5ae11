// The API's one error mapping: PogoError codes → HTTP statuses, every failure → `{ error: { code, message, hint? } }`.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiErrorBody, ErrorCode } from '../model/index.ts';
import { PogoError } from '../model/index.ts';

/** Statuses of the codes that are not matched by a prefix or suffix rule below. */
const STATUS_BY_CODE: Readonly<Partial<Record<ErrorCode, number>>> = {
  API_BAD_REQUEST: 400,
  JOB_BAD_REQUEST: 400,
  ENVELOPE_INVALID: 400,
  USAGE: 400,
  API_UNAUTHORIZED: 401,
  AUTH_TOKEN_EXPIRED: 401,
  API_FORBIDDEN: 403,
  ENGINE_UNKNOWN_HOST: 404,
  JOB_BAD_STATE: 409,
  JOB_NEEDS_PASSWORD: 409,
  ENGINE_BAD_TRANSITION: 409,
  STORE_CONFLICT: 409,
  LEASE_LOST: 409,
  JOB_OWNER_UNAVAILABLE: 503,
  STORE_UNAVAILABLE: 503,
};

/** Codes whose message is replaced by a generic one: their text may name database URLs or internals. */
const GENERIC_MESSAGES: Readonly<Partial<Record<ErrorCode, string>>> = {
  STORE_UNAVAILABLE: 'the store is unavailable; try again shortly',
};

const INTERNAL_MESSAGE = 'internal server error (the server log has the details)';

/**
 * The HTTP status of a PogoError code: `*_NOT_FOUND` 404; `CONFIG_*`, `TARGETS_*`, `PLAN_*` and the
 * bad-request codes 400; conflicts and bad states 409; 401, 403, 503 as named; undefined for every other
 * code (an internal error: 500 `INTERNAL`).
 */
export function statusForCode(code: ErrorCode): number | undefined {
  const exact = STATUS_BY_CODE[code];
  if (exact !== undefined) return exact;
  if (code.endsWith('_NOT_FOUND')) return 404;
  if (/^(CONFIG|TARGETS|PLAN)_/.test(code)) return 400;
  return undefined;
}

/** What an error becomes on the wire, and whether it is worth an error-level log line. */
export interface ErrorReply {
  readonly status: number;
  readonly body: ApiErrorBody;
  /** True for 5xx answers: the real error goes to the log, never to the client. */
  readonly internal: boolean;
}

/** Map any thrown value to a status and a body; nothing but known codes and their messages leaves. */
export function toErrorReply(e: unknown): ErrorReply {
  if (e instanceof PogoError) {
    const status = statusForCode(e.code);
    if (status === undefined) return internal();
    const message = GENERIC_MESSAGES[e.code] ?? e.describe();
    const error = e.hint === undefined ? { code: e.code, message } : { code: e.code, message, hint: e.hint };
    return { status, body: { error }, internal: status >= 500 };
  }
  const status = fastifyClientStatus(e);
  if (status !== undefined) {
    const { message } = e as Error;
    return { status, body: { error: { code: 'API_BAD_REQUEST', message } }, internal: false };
  }
  return internal();
}

function internal(): ErrorReply {
  return { status: 500, body: { error: { code: 'INTERNAL', message: INTERNAL_MESSAGE } }, internal: true };
}

/** Fastify's own 4xx errors (bad JSON, body too large, unsupported media type) keep their status. */
function fastifyClientStatus(e: unknown): number | undefined {
  if (!(e instanceof Error)) return undefined;
  const { statusCode, code } = e as Partial<FastifyError>;
  if (typeof code !== 'string' || !code.startsWith('FST_')) return undefined;
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 ? statusCode : undefined;
}

/** Fastify's error handler: log 5xx with the real error, answer with the mapped body. */
export function handleError(e: unknown, request: FastifyRequest, reply: FastifyReply): ApiErrorBody {
  const mapped = toErrorReply(e);
  if (mapped.internal) request.log.error({ err: e }, 'request failed');
  else request.log.info({ code: mapped.body.error.code }, mapped.body.error.message);
  void reply.code(mapped.status);
  return mapped.body;
}

/** Fastify's not-found handler for every path outside the API's routes. */
export function notFound(request: FastifyRequest): never {
  throw new PogoError('API_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`, {
    hint: 'the routes are listed at /v1/openapi.json',
  });
}
