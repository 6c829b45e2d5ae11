// The API client against a real local HTTP server: server errors, unreachable servers, timeouts, headers.
import { afterEach, describe, expect, it } from 'vitest';
import type { CannedServer } from '../../../test/support/canned-server.ts';
import { closedPort, sendJson, startCannedServer } from '../../../test/support/canned-server.ts';
import { PogoError } from '../../model/index.ts';
import { exitCodeForError } from '../exit-codes.ts';
import { reportError } from '../report-error.ts';
import { ApiClient, ServerError, describeCause } from './api-client.ts';
import { PogoApi } from './pogo-api.ts';

describe('ApiClient', () => {
  let server: CannedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('turns a 404 error body into STORE_NOT_FOUND with the server message (exit 66)', async () => {
    server = await startCannedServer((_req, res) =>
      sendJson(res, 404, { error: { code: 'STORE_NOT_FOUND', message: 'no job matches "zz"' } }),
    );
    const api = new PogoApi(new ApiClient({ server: server.url }));
    const error: unknown = await api.getJob('zz').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ code: 'STORE_NOT_FOUND', message: 'no job matches "zz"', status: 404 });
    expect(exitCodeForError(error)).toBe(66);
    expect(reportError(error, false).text).toBe(
      'pogo: no job matches "zz"\n  hint: list jobs with `pogo jobs --all`\n',
    );
  });

  it('keeps the server hint, maps unknown codes to INTERNAL with the message, and bare statuses to codes', async () => {
    const answers = [
      () => ({
        status: 409,
        body: { error: { code: 'JOB_BAD_STATE', message: 'job is running', hint: 'halt it' } },
      }),
      () => ({ status: 500, body: { error: { code: 'DISK_ON_FIRE', message: 'smoke' } } }),
      () => ({ status: 502, body: '<html>Bad Gateway</html>' }),
      () => ({ status: 401, body: '' }),
    ];
    let i = 0;
    server = await startCannedServer((_req, res) => {
      const { status, body } = (answers[i++] ?? answers[0])!();
      if (typeof body === 'string') {
        res.writeHead(status, { 'content-type': 'text/html' });
        res.end(body);
      } else sendJson(res, status, body);
    });
    const client = new ApiClient({ server: server.url });
    const errors = [];
    for (let k = 0; k < answers.length; k++)
      errors.push(await client.json('GET', '/x').catch((e: unknown) => e));
    expect(errors[0]).toMatchObject({ code: 'JOB_BAD_STATE', message: 'job is running', hint: 'halt it' });
    expect(exitCodeForError(errors[0])).toBe(75);
    expect(errors[1]).toMatchObject({
      code: 'INTERNAL',
      message: 'smoke (server code DISK_ON_FIRE, HTTP 500)',
    });
    expect(errors[2]).toMatchObject({
      code: 'API_UNREACHABLE',
      message: 'the server answered HTTP 502: <html>Bad Gateway</html>',
    });
    expect(errors[3]).toMatchObject({ code: 'API_UNAUTHORIZED', message: 'the server answered HTTP 401' });
    expect(exitCodeForError(errors[3])).toBe(77);
  });

  it('puts its own hint before the server’s for the codes it is given hints for', async () => {
    server = await startCannedServer((_req, res) =>
      sendJson(res, 401, {
        error: { code: 'API_UNAUTHORIZED', message: 'unknown token', hint: 'send a header' },
      }),
    );
    const client = new ApiClient({ server: server.url, hints: { API_UNAUTHORIZED: 'pass --token' } });
    await expect(client.json('GET', '/v1/me')).rejects.toMatchObject({
      message: 'unknown token',
      hint: 'pass --token',
    });
  });

  it('reports a refused connection as API_UNREACHABLE naming the URL and the cause (exit 69)', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const error: unknown = await new ApiClient({ server: url })
      .json('GET', '/v1/me')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PogoError);
    expect(error).toMatchObject({
      code: 'API_UNREACHABLE',
      message: `cannot reach the server at ${url}: connection refused`,
      hint: 'is `pogo server` running? check --server / POGO_SERVER',
    });
    expect(exitCodeForError(error)).toBe(69);
  });

  it('gives up on a server that does not answer within the timeout', async () => {
    server = await startCannedServer(() => undefined);
    const client = new ApiClient({ server: server.url, timeoutMs: 150 });
    await expect(client.json('GET', '/v1/me')).rejects.toMatchObject({
      code: 'API_UNREACHABLE',
      message: `cannot reach the server at ${server.url}: no answer within 0.15s`,
    });
  });

  it('rethrows the caller’s abort reason rather than calling the server unreachable', async () => {
    server = await startCannedServer(() => undefined);
    const controller = new AbortController();
    const pending = new ApiClient({ server: server.url }).json('GET', '/x', { signal: controller.signal });
    setTimeout(() => controller.abort('stop'), 20);
    await expect(pending).rejects.toBe('stop');
  });

  it('sends the bearer token, JSON bodies, YAML bodies and query lists', async () => {
    server = await startCannedServer((req, res) =>
      req.method === 'PUT'
        ? sendJson(res, 201, { namespace: 'web', version: 2, text: req.body, user: 'al', createdAt: 1 })
        : sendJson(res, 200, { items: [] }),
    );
    const api = new PogoApi(new ApiClient({ server: server.url + '/', token: 's3cret' }));
    await api.listJobs({ user: 'al', state: ['running', 'halted'], q: 'a b', limit: 5, host: undefined });
    await api.retry('last', ['web1', 'web2']);
    await api.putNamespace('web', 'tag: {}\n');
    const [list, retry, put] = server.requests;
    expect(list?.url).toBe('/v1/jobs?user=al&state=running%2Chalted&q=a+b&limit=5');
    expect(list?.headers.authorization).toBe('Bearer s3cret');
    expect(retry).toMatchObject({
      method: 'POST',
      path: '/v1/jobs/last/retry',
      body: '{"hosts":["web1","web2"]}',
    });
    expect(retry?.headers['content-type']).toBe('application/json');
    expect(put).toMatchObject({ method: 'PUT', path: '/v1/namespaces/web', body: 'tag: {}\n' });
    expect(put?.headers['content-type']).toBe('application/yaml');
  });

  it('reads output bytes with the paging headers', async () => {
    server = await startCannedServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'x-pogo-attempt': '2',
        'x-pogo-next-offset': '10',
        'x-pogo-total': '25',
        'x-pogo-truncated': 'true',
      });
      res.end('0123456789');
    });
    const api = new PogoApi(new ApiClient({ server: server.url }));
    const page = await api.readOutput('j1', 'web 1', { offset: 0 });
    expect(page).toMatchObject({ attempt: 2, nextOffset: 10, total: 25, truncated: true });
    expect(page.data.toString()).toBe('0123456789');
    expect(server.requests[0]?.url).toBe('/v1/jobs/j1/hosts/web%201/output?offset=0&format=raw');
  });
});

describe('describeCause', () => {
  it('names DNS, TLS and reset causes from fetch’s error chain', () => {
    const wrap = (cause: Error): Error => new TypeError('fetch failed', { cause });
    const coded = (message: string, code: string): Error => Object.assign(new Error(message), { code });
    expect(describeCause(wrap(coded('getaddrinfo ENOTFOUND nope', 'ENOTFOUND')))).toBe('name not found');
    expect(describeCause(wrap(coded('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT')))).toBe(
      'TLS: self-signed certificate',
    );
    expect(describeCause(wrap(coded('read ECONNRESET', 'ECONNRESET')))).toBe('connection reset');
    const both = new AggregateError([coded('a', 'ECONNREFUSED'), coded('b', 'ECONNREFUSED')], 'x');
    expect(describeCause(wrap(both))).toBe('connection refused');
    expect(describeCause('no answer within 30s')).toBe('no answer within 30s');
  });
});
