// LinkSession on a recording wire: the hello deadline, refusals, heartbeats, and the welcome race with a close.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RecordingHandler } from '../../test/support/link-harness.ts';
import type { DispatcherMessage, HelloMessage } from '../worker/index.ts';
import { LINK_PROTOCOL_VERSION, silentLinkLogger } from '../worker/index.ts';
import { LinkSession } from './link-session.ts';

afterEach(() => void vi.useRealTimers());

const hello: HelloMessage = {
  type: 'hello',
  protocol: LINK_PROTOCOL_VERSION,
  name: 'w1',
  instance: 'abcdef0123',
  capacity: 3,
  version: '0.1.0',
  tasks: [],
};

function session(handler: RecordingHandler, heartbeatMs?: number) {
  const sent: DispatcherMessage[] = [];
  const closes: { code: number; reason: string }[] = [];
  const s = new LinkSession({
    remote: '127.0.0.1:1',
    handler,
    heartbeatMs,
    log: silentLinkLogger,
    wire: { send: (m) => void sent.push(m), close: (code, reason) => void closes.push({ code, reason }) },
  });
  return { s, sent, closes };
}

describe('LinkSession', () => {
  it('closes 1008 when no hello comes within 10 s', () => {
    vi.useFakeTimers();
    const handler = new RecordingHandler();
    const { closes } = session(handler);
    vi.advanceTimersByTime(9_999);
    expect(closes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(closes).toEqual([{ code: 1008, reason: 'WORKER_PROTOCOL: no hello within 10 s' }]);
    expect(handler.calls).toBe(0);
  });

  it('welcomes with its own heartbeat interval, heartbeats, and drops a silent worker', async () => {
    vi.useFakeTimers();
    const handler = new RecordingHandler();
    const { s, sent, closes } = session(handler, 1_000);
    s.receive(hello);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent[0]).toMatchObject({ type: 'welcome', heartbeatMs: 1_000 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent[1]).toMatchObject({ type: 'heartbeat' });
    s.receive({ type: 'heartbeat', t: 0, running: 0 });
    expect(handler.seen).toBe(1);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(closes).toEqual([{ code: 4000, reason: 'nothing heard from the worker for 4000 ms' }]);
    expect(handler.disconnects).toEqual(['nothing heard from the worker for 4000 ms']);
  });

  it("refuses with the handler's message when it rejects the hello", async () => {
    const handler = new RecordingHandler();
    handler.onHello = () => Promise.reject(new Error('the dispatcher is starting; try again'));
    const { s, closes } = session(handler);
    s.receive(hello);
    await Promise.resolve();
    await Promise.resolve();
    expect(closes).toEqual([{ code: 1008, reason: 'the dispatcher is starting; try again' }]);
    expect(handler.disconnects).toEqual([]);
  });

  it('sends messages queued during the welcome after it; a close during the welcome still disconnects', async () => {
    const handler = new RecordingHandler();
    const { s, sent } = session(handler);
    s.receive(hello);
    handler.channel?.send({ type: 'cancel', job: 'j', host: 'h', attempt: 1, reason: 'killed' });
    await vi.waitFor(() => expect(sent.map((m) => m.type)).toEqual(['welcome', 'cancel']));
    s.ended('gone');
    expect(handler.disconnects).toEqual(['gone']);

    const late = new RecordingHandler();
    const second = session(late);
    second.s.receive(hello);
    second.s.ended('closed early');
    await vi.waitFor(() => expect(late.disconnects).toEqual(['closed early']));
    expect(second.sent).toEqual([]);
  });
});
