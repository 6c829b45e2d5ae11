// buildApi: the Fastify app of Pogo's HTTP API — parsers, zod validation, auth, routes, errors, OpenAPI.
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { PogoService } from '../dispatcher/index.ts';
import type { Accounts } from '../security/index.ts';
import { installAuth } from './auth.ts';
import type { TrustedProxy } from './auth.ts';
import { handleError, notFound } from './errors.ts';
import { registerOpenApi } from './openapi.ts';
import { registerEventRoutes } from './routes/events.ts';
import { registerHostRoutes } from './routes/hosts.ts';
import { registerInsightRoutes } from './routes/insight.ts';
import { registerJobRoutes } from './routes/jobs.ts';
import { registerNamespaceRoutes } from './routes/namespaces.ts';
import { registerSystemRoutes } from './routes/system.ts';
import { registerUserRoutes } from './routes/users.ts';
import { serveWebRoot } from './static-files.ts';
import { zodValidatorCompiler } from './validation.ts';

/** Options of {@link buildApi}. */
export interface BuildApiOptions {
  readonly service: PogoService;
  /** Only /healthz, /readyz, /metrics and the worker lists (a server with `--roles dispatcher`). */
  readonly systemOnly?: boolean;
  /** Users, grants and tokens of the store: token checks, trusted-proxy users and the /v1/users routes. */
  readonly accounts?: Accounts;
  /** SSO behind a reverse proxy (off by default). */
  readonly trustedProxy?: TrustedProxy;
  /** Serve HTTPS with this certificate and key (PEM). */
  readonly https?: { readonly cert: Buffer; readonly key: Buffer };
  /** Request and error logs (tokens in URLs are redacted); omitted or false: no logs. */
  readonly logger?: Logger | false;
  /** Largest request body; default 64 MiB (a `--file` script travels base64 in the submit body). */
  readonly bodyLimitBytes?: number;
  /** A directory of built web UI files, served for GET / and other GETs outside /v1. */
  readonly webRoot?: string;
  /** The version shown in the OpenAPI document. */
  readonly version?: string;
  /** SSE keep-alive comment interval; default 15 s. */
  readonly sseHeartbeatMs?: number;
  /** Bytes queued for a slow SSE client before it is dropped; default 8 MiB. */
  readonly sseMaxBufferBytes?: number;
}

/** The defaults of {@link BuildApiOptions}. */
export const API_DEFAULTS = {
  bodyLimitBytes: 64 * 1024 * 1024,
  version: '0.0.0',
  sseHeartbeatMs: 15_000,
  sseMaxBufferBytes: 8 * 1024 * 1024,
} satisfies Partial<BuildApiOptions>;

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

/** Build (not start) the API: `await app.listen(…)` or `app.inject(…)`; `app.close()` ends SSE streams too. */
export async function buildApi(options: BuildApiOptions): Promise<FastifyInstance> {
  const { service, logger } = options;
  const loggerInstance: FastifyBaseLogger | undefined = logger
    ? logger.child({ component: 'api' }, { serializers: { req: describeRequest } })
    : undefined;
  const app = Fastify({
    bodyLimit: options.bodyLimitBytes ?? API_DEFAULTS.bodyLimitBytes,
    exposeHeadRoutes: false,
    routerOptions: { maxParamLength: 1024 },
    ...(loggerInstance && { loggerInstance }),
    ...(options.https && { https: { cert: options.https.cert, key: options.https.key } }),
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(zodValidatorCompiler);
  // Response schemas only document the answers; answers are plain JSON.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(options.webRoot === undefined ? notFound : serveWebRoot(options.webRoot));
  addBodyParsers(app);
  await registerOpenApi(app, options.version ?? API_DEFAULTS.version);
  installAuth(app, { service, accounts: options.accounts, trustedProxy: options.trustedProxy });
  if (options.systemOnly === true) {
    registerSystemRoutes(app, service, options.accounts);
    return app;
  }
  registerJobRoutes(app, service);
  registerHostRoutes(app, service);
  registerEventRoutes(app, service, {
    heartbeatMs: options.sseHeartbeatMs ?? API_DEFAULTS.sseHeartbeatMs,
    maxBufferBytes: options.sseMaxBufferBytes ?? API_DEFAULTS.sseMaxBufferBytes,
  });
  registerNamespaceRoutes(app, service);
  registerInsightRoutes(app, service);
  registerSystemRoutes(app, service, options.accounts);
  registerUserRoutes(app, service, options.accounts);
  return app;
}

/** JSON (an empty body counts as none, for `POST …/resume` sent with a JSON content type) and raw YAML. */
function addBodyParsers(app: FastifyInstance): void {
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body: string, done) => {
    if (body === '') done(null, undefined);
    else void json(request, body, done);
  });
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, body));
}

/** The request as logged: no headers, and `access_token` values in the URL redacted. */
function describeRequest(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: request.url.replace(/([?&]access_token=)[^&]*/g, '$1[redacted]'),
    remoteAddress: request.ip,
  };
}
