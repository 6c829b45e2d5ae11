// The one way the UI talks to the server: fetch /v1 with the session's token; errors become ApiError.
import type { ApiErrorBody } from '../../../src/model/index.ts';

const TOKEN_KEY = 'pogo.token';

/** An error answer of the API (or a network failure: status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The pasted token, if any (trusted-proxy SSO needs none). */
export function storedToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** Keep (or with null forget) the token. */
export function storeToken(token: string | null): void {
  if (token === null) localStorage.removeItem(TOKEN_KEY);
  else localStorage.setItem(TOKEN_KEY, token);
}

/** Listeners told when a call answers 401 (the session ended: back to the login screen). */
const unauthorized = new Set<() => void>();

/** Be told when the API refuses the session; returns the unsubscribe. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorized.add(listener);
  return () => unauthorized.delete(listener);
}

/** Call the API: JSON in and out. `token` overrides the stored one (the login screen checks a new token). */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; token?: string | null; signal?: AbortSignal } = {},
): Promise<T> {
  const token = init.token === undefined ? storedToken() : init.token;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? 'GET',
      headers,
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
    });
  } catch (e: unknown) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'API_UNREACHABLE', `the server does not answer (${String(e)})`);
  }
  const text = await res.text();
  if (!res.ok) {
    const body = parse<Partial<ApiErrorBody>>(text);
    const error = body?.error;
    if (res.status === 401 && init.token === undefined) for (const l of unauthorized) l();
    throw new ApiError(
      res.status,
      error?.code ?? 'INTERNAL',
      error?.message ?? `HTTP ${res.status}`,
      error?.hint,
    );
  }
  return (text === '' ? undefined : parse<T>(text)) as T;
}

function parse<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** `?a=1&b=2` from the defined entries of `query` (empty string when none). */
export function queryString(query: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s === '' ? '' : `?${s}`;
}

/** A path segment, escaped (host names may hold anything). */
export function seg(s: string): string {
  return encodeURIComponent(s);
}
