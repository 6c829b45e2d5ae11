// The SSE parser on awkward input, and the follower over a real HTTP server that drops the stream mid-way.
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { CannedServer } from '../../../test/support/canned-server.ts';
import { sendJson, sseEvent, startCannedServer } from '../../../test/support/canned-server.ts';
import { ApiClient } from './api-client.ts';
import type { ReconnectInfo, SseMessage } from './sse.ts';
import { SseParser, followSse } from './sse.ts';

/** Feed `chunks` one by one; all messages in order. */
function parse(chunks: readonly (string | Uint8Array)[]): { messages: SseMessage[]; parser: SseParser } {
  const parser = new SseParser();
  const messages = chunks.flatMap((c) => parser.feed(c));
  return { messages, parser };
}

describe('SseParser', () => {
  it('joins lines split across chunks, in the middle of a field name and of a value', () => {
    const { messages } = parse(['id: 1\nev', 'ent: host:sta', 'rted\nda', 'ta: {"a":', '1}\n', '\n']);
    expect(messages).toEqual([{ id: '1', event: 'host:started', data: '{"a":1}' }]);
  });

  it('accepts CRLF, CR alone, and a CRLF split between two chunks (no phantom blank line)', () => {
    const { messages } = parse(['data: a\r', '\ndata: b\r', '\n\r', '\ndata: c\rdata: d\r\r']);
    expect(messages).toEqual([
      { id: undefined, event: 'message', data: 'a\nb' },
      { id: undefined, event: 'message', data: 'c\nd' },
    ]);
  });

  it('skips comments, counts them, and keeps multi-line data with one leading space dropped', () => {
    const { messages, parser } = parse([': ping\n\n:another\ndata:x\ndata:  two spaces\ndata\n\n']);
    expect(parser.comments).toBe(2);
    expect(messages).toEqual([{ id: undefined, event: 'message', data: 'x\n two spaces\n' }]);
  });

  it('gives each event its own id, keeps the last one, reads retry, ignores ids with NUL and unknown fields', () => {
    const { messages, parser } = parse([
      'id: 7\ndata: a\n\n',
      'data: b\nfoo: bar\n\n',
      'id: 8\u0000x\nretry: 1500\ndata: c\n\n',
      'retry: soon\n\n',
    ]);
    expect(messages.map((m) => [m.id, m.data])).toEqual([
      ['7', 'a'],
      [undefined, 'b'],
      [undefined, 'c'],
    ]);
    expect(parser.retryMs).toBe(1500);
    expect(parser.lastEventId).toBe('7');
  });

  it('delivers a bare `event: end` without data, but not an empty block', () => {
    const { messages, parser } = parse(['\n\nid: 3\n\nevent: end\n\n']);
    expect(messages).toEqual([{ id: undefined, event: 'end', data: '' }]);
    expect(parser.lastEventId).toBe('3');
  });

  it('decodes UTF-8 split across byte chunks', () => {
    const bytes = new TextEncoder().encode('data: héllo ✓\n\n');
    const { messages } = parse([bytes.slice(0, 8), bytes.slice(8, 13), bytes.slice(13)]);
    expect(messages).toEqual([{ id: undefined, event: 'message', data: 'héllo ✓' }]);
  });

  it('does not emit an event that lacks its blank line', () => {
    expect(parse(['data: half\n']).messages).toEqual([]);
  });
});

describe('followSse over a real server', () => {
  let server: CannedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('reconnects after a dropped connection with Last-Event-ID, losing and repeating nothing', async () => {
    let connection = 0;
    server = await startCannedServer((req, res: ServerResponse) => {
      connection++;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (connection === 1) {
        res.write(': ping\n\n');
        for (const id of [1, 2, 3]) res.write(sseEvent(id, 'host:started', { seq: id }));
        // Half an event, then the connection dies.
        res.write('id: 4\nevent: host:succ');
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      // The server resumes one too early: the follower must drop the repeat of 3.
      for (const id of [3, 4, 5]) res.write(sseEvent(id, 'host:succeeded', { seq: id }));
      res.end(sseEvent(undefined, 'end', ''));
    });
    const client = new ApiClient({ server: server.url });
    const reconnects: ReconnectInfo[] = [];
    const got: SseMessage[] = [];
    for await (const m of followSse(client, '/v1/jobs/j1/events', {
      lastEventId: '0',
      backoffMs: { initial: 10, max: 50 },
      onReconnect: (info) => reconnects.push(info),
    })) {
      got.push(m);
    }
    expect(got.map((m) => `${m.id}:${m.event}`)).toEqual([
      '1:host:started',
      '2:host:started',
      '3:host:started',
      '4:host:succeeded',
      '5:host:succeeded',
      'undefined:end',
    ]);
    expect(server.requests.map((r) => r.headers['last-event-id'])).toEqual(['0', '3']);
    expect(server.requests[1]?.headers.accept).toBe('text/event-stream');
    expect(reconnects).toHaveLength(1);
    expect(reconnects[0]?.delayMs).toBe(10);
  });

  it('reconnects when the server ends the stream without `end`, and after a 503', async () => {
    let connection = 0;
    server = await startCannedServer((_req, res) => {
      connection++;
      if (connection === 2)
        return sendJson(res, 503, { error: { code: 'STORE_UNAVAILABLE', message: 'db down' } });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (connection === 1) return void res.end(sseEvent(1, 'job:started', {}));
      res.end(sseEvent(2, 'job:succeeded', {}) + 'event: end\n\n');
    });
    const client = new ApiClient({ server: server.url });
    const causes: string[] = [];
    const ids: (string | undefined)[] = [];
    for await (const m of followSse(client, '/e', {
      backoffMs: { initial: 5, max: 5 },
      onReconnect: (info) => causes.push((info.cause as Error).message),
    })) {
      ids.push(m.id);
    }
    expect(ids).toEqual(['1', '2', undefined]);
    expect(causes).toEqual(['the server closed the event stream', 'db down']);
    expect(server.requests.map((r) => r.headers['last-event-id'])).toEqual([undefined, '1', '1']);
  });

  it('reconnects after an in-stream error event that is transient, and throws one that is not', async () => {
    let connection = 0;
    server = await startCannedServer((_req, res) => {
      connection++;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sseEvent(connection, 'job:started', {}));
      const error =
        connection === 1
          ? { code: 'API_UNREACHABLE', message: 'dropped: the client read too slowly' }
          : { code: 'API_FORBIDDEN', message: 'token revoked' };
      res.end(sseEvent(undefined, 'error', error));
    });
    const client = new ApiClient({ server: server.url });
    const ids: (string | undefined)[] = [];
    const causes: string[] = [];
    const follow = async (): Promise<void> => {
      for await (const m of followSse(client, '/e', {
        backoffMs: { initial: 5, max: 5 },
        onReconnect: (info) => causes.push((info.cause as Error).message),
      })) {
        ids.push(m.id);
      }
    };
    await expect(follow()).rejects.toMatchObject({ code: 'API_FORBIDDEN', message: 'token revoked' });
    expect(ids).toEqual(['1', '2']);
    expect(causes).toEqual(['dropped: the client read too slowly']);
  });

  it('throws a 404 at once instead of retrying', async () => {
    server = await startCannedServer((_req, res) =>
      sendJson(res, 404, { error: { code: 'STORE_NOT_FOUND', message: 'no job nope' } }),
    );
    const client = new ApiClient({ server: server.url });
    const follow = async (): Promise<void> => {
      for await (const _ of followSse(client, '/v1/jobs/nope/events')) {
        // nothing arrives
      }
    };
    await expect(follow()).rejects.toMatchObject({ code: 'STORE_NOT_FOUND', message: 'no job nope' });
    expect(server.requests).toHaveLength(1);
  });

  it('stops with the abort reason when the caller aborts while it waits', async () => {
    server = await startCannedServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sseEvent(1, 'job:started', {}));
    });
    const client = new ApiClient({ server: server.url });
    const controller = new AbortController();
    const follow = async (): Promise<string[]> => {
      const types: string[] = [];
      for await (const m of followSse(client, '/e', { signal: controller.signal })) {
        types.push(m.event);
        controller.abort('detached');
      }
      return types;
    };
    await expect(follow()).rejects.toBe('detached');
  });
});
