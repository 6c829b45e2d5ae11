// A fetch for https:// servers whose certificate a private CA signed (`--ca FILE`), over node:https.
import { request } from 'node:https';
import { Readable } from 'node:stream';

/**
 * A `fetch` that trusts `ca` (PEM, one or more certificates) for https:// URLs, and only it: the system
 * roots are not consulted, so a private server cannot be impersonated by a public certificate. Other
 * URLs go to the global fetch. Supports what the API client uses: method, headers, a string body, signal.
 */
export function fetchTrusting(ca: Buffer): typeof fetch {
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.protocol !== 'https:') return fetch(input, init);
    const headers = new Headers(init?.headers);
    const body = init?.body;
    if (body !== undefined && body !== null && typeof body !== 'string') {
      return Promise.reject(new TypeError('fetchTrusting sends string bodies only'));
    }
    return new Promise<Response>((resolve, reject) => {
      const req = request(
        url,
        {
          method: init?.method ?? 'GET',
          headers: Object.fromEntries(headers.entries()),
          ca,
          ...(init?.signal ? { signal: init.signal } : {}),
        },
        (res) => {
          const answer = new Headers();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
            answer.append(res.rawHeaders[i] ?? '', res.rawHeaders[i + 1] ?? '');
          }
          const status = res.statusCode ?? 500;
          const empty = status === 204 || status === 304 || init?.method === 'HEAD';
          if (empty) res.resume();
          resolve(
            new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), {
              status,
              statusText: res.statusMessage ?? '',
              headers: answer,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(body ?? undefined);
    });
  };
}
