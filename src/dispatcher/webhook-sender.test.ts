// Webhook delivery against a real HTTP server on loopback: retries with the same delivery id, give-ups, order, stop.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from './logger.ts';
import { WebhookSender } from './webhook-sender.ts';

interface Received {
  readonly path: string;
  readonly delivery: string;
  readonly event: string;
  readonly body: string;
}

const servers: Server[] = [];
const senders: WebhookSender[] = [];

afterEach(async () => {
  for (const s of senders.splice(0)) s.stop();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A receiver whose answer per request is decided by `answer` (status, or 'hang'). */
async function receiver(
  answer: (r: Received, n: number) => number | 'hang',
): Promise<{ url: string; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const r = {
        path: req.url ?? '',
        delivery: String(req.headers['x-pogo-delivery']),
        event: String(req.headers['x-pogo-event']),
        body,
      };
      got.push(r);
      const a = answer(r, got.length);
      if (a === 'hang') return;
      res.writeHead(a).end();
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got };
}

function sender(outcomes: string[] = []): WebhookSender {
  const s = new WebhookSender({
    log: silentLogger,
    timeoutMs: 300,
    retryDelayMs: 20,
    attempts: 4,
    onOutcome: (o) => outcomes.push(o),
  });
  senders.push(s);
  return s;
}

const until = async (pred: () => boolean, ms = 5_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

const post = (url: string, event: string, body = '{}') => ({ url, shownUrl: url, event, body });

describe('WebhookSender', () => {
  it('delivers in order per URL; a 5xx or a timeout is retried with the same delivery id', async () => {
    const r = await receiver((x, n) => (n === 1 ? 500 : n === 2 ? 'hang' : 200));
    const outcomes: string[] = [];
    const s = sender(outcomes);
    s.send(post(`${r.url}/a`, 'job.started', '{"n":1}'));
    s.send(post(`${r.url}/a`, 'job.succeeded', '{"n":2}'));
    await until(() => outcomes.length === 2);
    expect(outcomes).toEqual(['delivered', 'delivered']);
    // First post: 500, timeout, then 200 — three attempts, one delivery id; then the second post.
    expect(r.got.map((g) => g.event)).toEqual(['job.started', 'job.started', 'job.started', 'job.succeeded']);
    expect(new Set(r.got.slice(0, 3).map((g) => g.delivery)).size).toBe(1);
    expect(r.got[3]?.delivery).not.toBe(r.got[0]?.delivery);
    expect(r.got[3]?.body).toBe('{"n":2}');
  });

  it('gives a post up after its attempts, or at once on a 4xx; other URLs are not held up', async () => {
    const down = await receiver(() => 503);
    const refusing = await receiver(() => 404);
    const fine = await receiver(() => 204);
    const outcomes: string[] = [];
    const s = sender(outcomes);
    s.send(post(down.url, 'job.failed'));
    s.send(post(refusing.url, 'job.failed'));
    s.send(post(fine.url, 'job.failed'));
    await until(() => outcomes.length === 3);
    expect(outcomes.sort()).toEqual(['delivered', 'failed', 'failed']);
    expect(down.got).toHaveLength(4);
    expect(refusing.got).toHaveLength(1);
    expect(fine.got).toHaveLength(1);
  });

  it('a refused connection is retried; after stop nothing more is sent', async () => {
    const r = await receiver(() => 200);
    await receiver(() => 200);
    const gone = servers.pop() as Server;
    const closed = gone.address() as AddressInfo;
    await new Promise((res) => gone.close(res));
    const outcomes: string[] = [];
    const s = sender(outcomes);
    s.send(post(`http://127.0.0.1:${closed.port}/x`, 'job.halted'));
    await until(() => outcomes.length === 1);
    expect(outcomes).toEqual(['failed']);
    s.stop();
    s.send(post(r.url, 'job.halted'));
    await new Promise((res) => setTimeout(res, 100));
    expect(r.got).toHaveLength(0);
  });
});
