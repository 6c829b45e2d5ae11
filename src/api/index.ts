// HTTP API: REST /v1, SSE, auth, OpenAPI, errors as responses. Built on a PogoService; no store or engine here.
export { API_DEFAULTS, buildApi } from './app.ts';
export type { BuildApiOptions } from './app.ts';
export { parseNetwork } from './trusted-proxy.ts';
export type { Role, Scope, TrustedProxy } from './auth.ts';
export { statusForCode, toErrorReply } from './errors.ts';
export type { ErrorReply } from './errors.ts';
export type { OutputChunkJson, OutputPageJson } from './routes/hosts.ts';
export { submitJobBody } from './schemas.ts';
