// A small HTTP client for Pogo's API over global fetch: bearer token, timeouts, server errors → PogoError.
import type { ErrorCode } from '../../model/index.ts';
import { ERROR_CODES, PogoError } from '../../model/index.ts';

/** How long a request may take before the server counts as unreachable (headers only, for streams). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Options of {@link ApiClient}. */
export interface ApiClientOptions {
  /** Base URL without a trailing slash. */
  readonly server: string;
  /** Sent as `Authorization: Bearer …`; never in a message. */
  readonly token?: string | undefined;
  readonly timeoutMs?: number;
  /** Hints that replace the server's for these codes (the CLI knows where its token came from). */
  readonly hints?: Partial<Record<ErrorCode, string>>;
  /** The fetch to use (one trusting a private CA: `fetchTrusting`); default the global one. */
  readonly fetch?: typeof fetch;
}

/** A query parameter: absent values are left out, lists are joined with commas. */
export type QueryValue = string | number | boolean | undefined | readonly string[];

/** Options of one request. */
export interface RequestOptions {
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** Sent as JSON. */
  readonly json?: unknown;
  /** Sent as it is, with its content type (YAML configs). */
  readonly text?: { readonly body: string; readonly contentType: string };
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal | undefined;
}

/** An error the server answered with: its code and message, plus the HTTP status. */
export class ServerError extends PogoError {
  readonly status: number;

  constructor(code: ErrorCode, message: string, status: number, hint: string | undefined) {
    super(code, message, { hint });
    this.status = status;
  }
}

const UNREACHABLE_HINT = 'is `pogo server` running? check --server / POGO_SERVER';

/** Hints for codes whose server answer came without one. */
const DEFAULT_HINTS: Partial<Record<ErrorCode, string>> = {
  API_UNREACHABLE: UNREACHABLE_HINT,
  API_UNAUTHORIZED: 'pass --token, set POGO_TOKEN, or put token: in ~/.config/pogo/config.yaml',
  API_FORBIDDEN: "your token's user lacks the role this needs; ask an admin",
  STORE_NOT_FOUND: 'list jobs with `pogo jobs --all`',
  JOB_BAD_STATE: 'look at the job with `pogo status JOB` first',
};

/** Talks to one Pogo server. Every method rejects with PogoError (or the caller's abort reason). */
export class ApiClient {
  readonly server: string;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;
  private readonly hints: Partial<Record<ErrorCode, string>>;
  private readonly fetch: typeof fetch;

  constructor(options: ApiClientOptions) {
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.server = options.server.replace(/\/+$/, '');
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.hints = options.hints ?? {};
  }

  /** The absolute URL of an API path (`/v1/jobs`) with its query. */
  url(path: string, query: Readonly<Record<string, QueryValue>> = {}): URL {
    const url = new URL(this.server + path);
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined) continue;
      url.searchParams.set(key, typeof value === 'object' ? value.join(',') : String(value));
    }
    return url;
  }

  /** A request answered with JSON (or nothing: then `undefined`). */
  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    return this.request(method, path, options, false, async (res) => {
      const text = await res.text();
      if (text === '') return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch (e: unknown) {
        throw new PogoError('INTERNAL', `the server's answer to ${method} ${path} is not JSON`, { cause: e });
      }
    });
  }

  /** A request answered with bytes; the headers come along. */
  async bytes(
    path: string,
    options: RequestOptions = {},
  ): Promise<{ readonly data: Buffer; readonly headers: Headers }> {
    return this.request('GET', path, options, false, async (res) => ({
      data: Buffer.from(await res.arrayBuffer()),
      headers: res.headers,
    }));
  }

  /**
   * Open a long response (SSE): the timeout covers only the wait for the headers; the body streams until
   * the server ends it or `options.signal` aborts.
   */
  async stream(path: string, options: RequestOptions = {}): Promise<Response> {
    return this.request('GET', path, options, true, (res) => Promise.resolve(res));
  }

  private async request<T>(
    method: string,
    path: string,
    options: RequestOptions,
    streaming: boolean,
    read: (res: Response) => Promise<T>,
  ): Promise<T> {
    const url = this.url(path, options.query);
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(new Error('timeout')), this.timeoutMs);
    const signal = options.signal ? AbortSignal.any([timer.signal, options.signal]) : timer.signal;
    const headers: Record<string, string> = { ...options.headers };
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    let body: string | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.text) {
      headers['content-type'] = options.text.contentType;
      body = options.text.body;
    }
    try {
      const res = await this.fetch(url, { method, headers, signal, ...(body === undefined ? {} : { body }) });
      if (streaming) clearTimeout(timeout);
      if (!res.ok) throw await errorFromResponse(res, this.hints);
      return await read(res);
    } catch (e: unknown) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (e instanceof PogoError) throw e;
      throw unreachableError(
        this.server,
        timer.signal.aborted ? `no answer within ${this.timeoutMs / 1000}s` : e,
      );
    } finally {
      clearTimeout(timeout);
    }
  }
}

/**
 * The PogoError for an HTTP error answer: the server's code and message, or one made from the status. The
 * hint is `hints[code]`, else the server's, else a default for the code.
 */
export async function errorFromResponse(
  res: Response,
  hints: Partial<Record<ErrorCode, string>> = {},
): Promise<ServerError> {
  const text = await res.text().catch(() => '');
  const body = parseErrorBody(text);
  if (!body) {
    const snippet = text.trim().slice(0, 200);
    const message = `the server answered HTTP ${res.status}${snippet ? `: ${snippet}` : ''}`;
    const code = codeForStatus(res.status);
    return new ServerError(code, message, res.status, hints[code] ?? DEFAULT_HINTS[code]);
  }
  const known = (ERROR_CODES as readonly string[]).includes(body.code);
  const code = known ? (body.code as ErrorCode) : 'INTERNAL';
  const message = known ? body.message : `${body.message} (server code ${body.code}, HTTP ${res.status})`;
  return new ServerError(code, message, res.status, hints[code] ?? body.hint ?? DEFAULT_HINTS[code]);
}

/** API_UNREACHABLE naming the server and why (refused, name not found, TLS, timeout, reset). */
export function unreachableError(server: string, cause: unknown): PogoError {
  return new PogoError('API_UNREACHABLE', `cannot reach the server at ${server}: ${describeCause(cause)}`, {
    cause,
    hint: UNREACHABLE_HINT,
  });
}

const CAUSES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'name not found',
  EAI_AGAIN: 'name lookup failed (temporary)',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

/** A short reason from fetch's error chain (`fetch failed` → its cause's code or message). */
export function describeCause(cause: unknown): string {
  if (typeof cause === 'string') return cause;
  let e: unknown = cause;
  for (let depth = 0; depth < 4 && e instanceof Error; depth++) {
    const code = errorCode(e);
    if (code && CAUSES[code]) return CAUSES[code];
    if (code && /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return `TLS: ${e.message}`;
    if (!(e.cause instanceof Error)) return e.message === 'fetch failed' && code ? code : e.message;
    e = e.cause;
  }
  return String(e);
}

function errorCode(e: Error): string | undefined {
  const own = (e as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  // Connecting to `localhost` tries ::1 and 127.0.0.1: an AggregateError of both.
  const first: unknown = e instanceof AggregateError ? e.errors[0] : undefined;
  const inner = (first as { code?: unknown } | undefined)?.code;
  return typeof inner === 'string' ? inner : undefined;
}

function parseErrorBody(text: string): { code: string; message: string; hint?: string } | undefined {
  try {
    const error: unknown = (JSON.parse(text) as { error?: unknown }).error;
    if (typeof error !== 'object' || error === null) return undefined;
    const { code, message, hint } = error as Record<string, unknown>;
    if (typeof code !== 'string' || typeof message !== 'string') return undefined;
    return typeof hint === 'string' ? { code, message, hint } : { code, message };
  } catch {
    return undefined;
  }
}

function codeForStatus(status: number): ErrorCode {
  if (status === 400 || status === 422) return 'API_BAD_REQUEST';
  if (status === 401) return 'API_UNAUTHORIZED';
  if (status === 403) return 'API_FORBIDDEN';
  if (status === 404) return 'API_NOT_FOUND';
  // A proxy in front of a server that is down or restarting.
  if (status === 502 || status === 503 || status === 504) return 'API_UNREACHABLE';
  return 'INTERNAL';
}
