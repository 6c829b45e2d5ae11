// Job events: the JSON page over app.inject, and the SSE stream over a real port with Node's http client.
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, test } from 'vitest';
import type { ApiErrorBody } from '../../model/index.ts';
import { MemoryService } from '../../../test/support/memory-service.ts';
import { buildApi } from '../app.ts';

const apps: FastifyInstance[] = [];
const clients: IncomingMessage[] = [];
afterEach(async () => {
  for (const res of clients.splice(0)) res.destroy();
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

/** An app on a real port with one job j000001 (by otto) whose log holds seq 1..5. */
async function setup(options: { sseHeartbeatMs?: number } = {}) {
  const service = new MemoryService();
  const app = await buildApi({ service, ...options });
  apps.push(app);
  const operator = { user: 'otto', role: 'operator' as const, remote: '' };
  await service.submitJob({ command: 'uptime', targets: 'h1,h2' }, operator);
  service.appendEvent('j000001', { type: 'job:started', t: 1 });
  service.appendEvent('j000001', { type: 'host:started', t: 2, host: 'h1' });
  service.appendEvent('j000001', { type: 'host:succeeded', t: 3, host: 'h1', exitCode: 0 });
  service.appendEvent('j000001', { type: 'host:started', t: 4, host: 'h2' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { service, app, port };
}

interface Frame {
  readonly id?: string;
  readonly event?: string;
  readonly data?: string;
  readonly comment?: string;
}

/** An open SSE response: frames as they arrive, and a way to wait for more. */
interface Stream {
  readonly res: IncomingMessage;
  readonly frames: Frame[];
  /** Resolves when `predicate` holds for the frames so far (or rejects after 5 s). */
  until(predicate: (frames: Frame[]) => boolean): Promise<Frame[]>;
  /** Resolves when the server ends the response. */
  readonly ended: Promise<void>;
}

function openStream(port: number, path: string, headers: Record<string, string> = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      path,
      headers: { accept: 'text/event-stream', authorization: 'Bearer viewer-token', ...headers },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      clients.push(res);
      const frames: Frame[] = [];
      const waiters = new Set<() => void>();
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          frames.push(parseFrame(buffer.slice(0, cut)));
          buffer = buffer.slice(cut + 2);
        }
        for (const wake of waiters) wake();
      });
      const ended = new Promise<void>((done) => res.on('end', done));
      const until = (predicate: (f: Frame[]) => boolean) =>
        new Promise<Frame[]>((done, fail) => {
          const timer = setTimeout(
            () => fail(new Error(`timed out; frames: ${JSON.stringify(frames)}`)),
            5000,
          );
          const check = () => {
            if (!predicate(frames)) return;
            clearTimeout(timer);
            waiters.delete(check);
            done(frames);
          };
          waiters.add(check);
          check();
        });
      resolve({ res, frames, until, ended });
    });
    req.end();
  });
}

function parseFrame(text: string): Frame {
  const frame: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) frame.comment = line.slice(1).trim();
    const m = /^(id|event|data): ?(.*)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) frame[m[1]] = m[2];
  }
  return frame;
}

const events = (frames: Frame[]) => frames.filter((f) => f.comment === undefined);
const ids = (frames: Frame[]) => events(frames).map((f) => f.id);

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(check()).toBe(true);
}

describe('GET /v1/jobs/:ref/events as JSON', () => {
  test('returns { items } after `after`, at most `limit`', async () => {
    const { app } = await setup();
    const res = await app.inject({
      method: 'GET',
      url: '/v1/jobs/j000001/events?after=1&limit=2',
      headers: { authorization: 'Bearer viewer-token' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      items: [
        { seq: 2, jobId: 'j000001', type: 'job:started', t: 1 },
        { seq: 3, jobId: 'j000001', type: 'host:started', t: 2, host: 'h1' },
      ],
    });
    const bad = await app.inject({
      method: 'GET',
      url: '/v1/jobs/j000001/events?after=-1',
      headers: { authorization: 'Bearer viewer-token' },
    });
    expect(bad.json<ApiErrorBody>().error.message).toBe('query.after: too small: expected number to be >=0');
  });
});

describe('GET /v1/jobs/:ref/events as SSE', () => {
  test('sends stored then live events in order, with ids, types and the record as data', async () => {
    const { service, port } = await setup();
    const stream = await openStream(port, '/v1/jobs/j000001/events');
    expect(stream.res.statusCode).toBe(200);
    expect(stream.res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(stream.res.headers['cache-control']).toBe('no-cache');
    await stream.until((f) => ids(f).length === 5);
    service.appendEvent('j000001', { type: 'host:failed', t: 5, host: 'h2', exitCode: 1 });
    const frames = await stream.until((f) => ids(f).length === 6);
    expect(ids(frames)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(events(frames).map((f) => f.event)).toEqual([
      'job:submitted',
      'job:started',
      'host:started',
      'host:succeeded',
      'host:started',
      'host:failed',
    ]);
    expect(JSON.parse(events(frames)[5]?.data ?? '')).toEqual({
      seq: 6,
      jobId: 'j000001',
      type: 'host:failed',
      t: 5,
      host: 'h2',
      exitCode: 1,
    });
  });

  test('a reconnect with Last-Event-ID: 3 gets only seq > 3 (and the header beats ?after)', async () => {
    const { port } = await setup();
    const stream = await openStream(port, '/v1/jobs/j000001/events?after=1', { 'last-event-id': '3' });
    const frames = await stream.until((f) => ids(f).length === 2);
    expect(ids(frames)).toEqual(['4', '5']);
  });

  test('without Last-Event-ID, ?after decides where to start', async () => {
    const { port } = await setup();
    const stream = await openStream(port, '/v1/jobs/j000001/events?after=4');
    expect(ids(await stream.until((f) => ids(f).length === 1))).toEqual(['5']);
  });

  test('the end of the job sends `event: end` and closes the stream', async () => {
    const { service, port } = await setup();
    const stream = await openStream(port, '/v1/jobs/j000001/events', { 'last-event-id': '5' });
    await waitFor(() => service.liveSubscriptions === 1);
    service.finishJob('j000001', 'succeeded', 'all hosts succeeded');
    await stream.ended;
    const [done, end, ...more] = events(stream.frames);
    expect(done).toMatchObject({ id: '6', event: 'job:succeeded' });
    expect(done?.data).toContain('"reason":"all hosts succeeded"');
    expect(end).toEqual({ event: 'end', data: '{}' });
    expect(more).toEqual([]);
    await waitFor(() => service.liveSubscriptions === 0);
  });

  test('a stream of a finished job replays and ends at once', async () => {
    const { service, port } = await setup();
    service.finishJob('j000001', 'failed', 'failure budget exhausted');
    const stream = await openStream(port, '/v1/jobs/last/events?access_token=operator-token', {
      authorization: '',
    });
    await stream.ended;
    expect(ids(stream.frames)).toEqual(['1', '2', '3', '4', '5', '6', undefined]);
    expect(stream.frames.at(-1)).toEqual({ event: 'end', data: '{}' });
  });

  test('a client that goes away is unsubscribed', async () => {
    const { service, port } = await setup();
    const stream = await openStream(port, '/v1/jobs/j000001/events');
    await stream.until((f) => ids(f).length === 5);
    expect(service.liveSubscriptions).toBe(1);
    stream.res.destroy();
    await waitFor(() => service.liveSubscriptions === 0);
  });

  test('keep-alive `: ping` comments arrive on the heartbeat', async () => {
    const { port } = await setup({ sseHeartbeatMs: 30 });
    const stream = await openStream(port, '/v1/jobs/j000001/events', { 'last-event-id': '5' });
    await stream.until((f) => f.filter((x) => x.comment === 'ping').length >= 2);
  });

  test('closing the server ends open streams', async () => {
    const { app, service, port } = await setup();
    const stream = await openStream(port, '/v1/jobs/j000001/events');
    await stream.until((f) => ids(f).length === 5);
    await app.close();
    await stream.ended;
    expect(service.liveSubscriptions).toBe(0);
  });

  test('errors before the stream starts answer as JSON: unknown job 404, bad Last-Event-ID 400, no token 401', async () => {
    const { app } = await setup();
    const sse = (url: string, headers: Record<string, string> = {}) =>
      app.inject({
        method: 'GET',
        url,
        headers: { accept: 'text/event-stream', authorization: 'Bearer viewer-token', ...headers },
      });
    const missing = await sse('/v1/jobs/nope/events');
    expect(missing.statusCode).toBe(404);
    expect(missing.json<ApiErrorBody>().error.code).toBe('STORE_NOT_FOUND');
    const badId = await sse('/v1/jobs/j000001/events', { 'last-event-id': 'abc' });
    expect(badId.statusCode).toBe(400);
    expect(badId.json<ApiErrorBody>().error.message).toBe(
      'headers.last-event-id: expected a whole number (an event seq)',
    );
    expect((await sse('/v1/jobs/j000001/events', { authorization: '' })).statusCode).toBe(401);
  });

  test('a subscribe failure after the headers becomes an `error` event', async () => {
    const { service, port } = await setup();
    service.failNext('subscribe', new Error('boom'));
    const stream = await openStream(port, '/v1/jobs/j000001/events');
    await stream.ended;
    expect(stream.frames).toHaveLength(1);
    expect(stream.frames[0]?.event).toBe('error');
    expect(JSON.parse(stream.frames[0]?.data ?? '')).toEqual({
      code: 'INTERNAL',
      message: 'internal server error (the server log has the details)',
    });
  });
});
