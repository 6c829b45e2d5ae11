// SseStream on a fake response: framing, pings, waiting for 'drain', and dropping a client that reads too slowly.
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { SseStream } from './sse-stream.ts';

/** The parts of ServerResponse that SseStream uses; `full` makes write() report a full buffer. */
class FakeResponse extends EventEmitter {
  readonly written: string[] = [];
  headers: Record<string, string> = {};
  full = false;
  ended = false;
  destroyed = false;

  writeHead(_status: number, headers: Record<string, string>): void {
    this.headers = headers;
  }
  flushHeaders(): void {}
  write(chunk: string): boolean {
    this.written.push(chunk);
    return !this.full;
  }
  end(chunk?: string): void {
    if (chunk !== undefined) this.written.push(chunk);
    this.ended = true;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
  /** The client read everything. */
  drain(): void {
    this.full = false;
    this.emit('drain');
  }
}

function open(options: { heartbeatMs?: number; maxBufferBytes?: number } = {}) {
  const res = new FakeResponse();
  const stream = new SseStream(res as unknown as ServerResponse, {
    heartbeatMs: options.heartbeatMs ?? 15_000,
    maxBufferBytes: options.maxBufferBytes ?? 1024,
    dropGraceMs: 100,
  });
  return { res, stream };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('SseStream', () => {
  test('writes the SSE headers and frames events as id / event / data', () => {
    const { res, stream } = open();
    stream.send(7, 'host:started', { host: 'a', seq: 7 });
    stream.send(undefined, 'end', {});
    expect(res.headers).toMatchObject({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
    });
    expect(res.written).toEqual([
      'id: 7\nevent: host:started\ndata: {"host":"a","seq":7}\n\n',
      'event: end\ndata: {}\n\n',
    ]);
    res.destroy();
  });

  test('sends a ping comment every heartbeat, and stops when closed', () => {
    const { res } = open({ heartbeatMs: 1000 });
    vi.advanceTimersByTime(2500);
    expect(res.written).toEqual([': ping\n\n', ': ping\n\n']);
    res.emit('close');
    vi.advanceTimersByTime(5000);
    expect(res.written).toHaveLength(2);
  });

  test('after write() returns false, frames wait for drain and then go out in order', () => {
    const { res, stream } = open();
    res.full = true;
    stream.send(1, 'a', 1);
    stream.send(2, 'b', 2);
    stream.send(3, 'c', 3);
    expect(res.written).toHaveLength(1);
    res.drain();
    expect(res.written.map((f) => f.split('\n')[0])).toEqual(['id: 1', 'id: 2', 'id: 3']);
    res.destroy();
  });

  test('no pings pile up while the client is not reading', () => {
    const { res, stream } = open({ heartbeatMs: 100 });
    res.full = true;
    stream.send(1, 'a', 1);
    vi.advanceTimersByTime(1000);
    expect(res.written).toHaveLength(1);
    res.destroy();
  });

  test('end() while waiting for drain ends after the queue is flushed', () => {
    const { res, stream } = open();
    res.full = true;
    stream.send(1, 'a', 1);
    stream.send(2, 'b', 2);
    stream.end();
    expect(res.ended).toBe(false);
    res.drain();
    expect(res.written).toHaveLength(2);
    expect(res.ended).toBe(true);
  });

  test('end() to a client that never reads destroys the socket after the grace', () => {
    const { res, stream } = open();
    res.full = true;
    stream.send(1, 'a', 1);
    stream.end();
    vi.advanceTimersByTime(99);
    expect(res.destroyed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(res.destroyed).toBe(true);
    expect(stream.closed).toBe(true);
  });

  test('a client past the buffer cap gets an error event, is ended, then destroyed after the grace', () => {
    const { res, stream } = open({ maxBufferBytes: 100 });
    const closed = vi.fn();
    stream.onClose(closed);
    res.full = true;
    stream.send(1, 'a', 'x'.repeat(10));
    for (let i = 2; i < 10; i++) stream.send(i, 'a', 'x'.repeat(20));
    const last = res.written.at(-1) ?? '';
    expect(last).toMatch(
      /^event: error\ndata: \{"code":"API_UNREACHABLE","message":"dropped: the client read too slowly/,
    );
    expect(res.ended).toBe(true);
    stream.send(99, 'a', 'late');
    expect(res.written.at(-1)).toBe(last);
    expect(closed).not.toHaveBeenCalled();
    vi.advanceTimersByTime(100);
    expect(res.destroyed).toBe(true);
    expect(closed).toHaveBeenCalledTimes(1);
    expect(stream.closed).toBe(true);
  });

  test('onClose runs once, and at once when registered after the close', () => {
    const { res, stream } = open();
    const first = vi.fn();
    stream.onClose(first);
    res.emit('close');
    res.emit('close');
    const late = vi.fn();
    stream.onClose(late);
    expect(first).toHaveBeenCalledTimes(1);
    expect(late).toHaveBeenCalledTimes(1);
  });
});
