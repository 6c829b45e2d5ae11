// Delivers webhook posts in the background: a bounded queue per URL, a timeout per attempt, retries with backoff.
import { randomUUID } from 'node:crypto';
import type { Logger } from './logger.ts';

export interface WebhookSenderOptions {
  readonly log: Logger;
  /** One attempt's time limit (default 5 s). */
  readonly timeoutMs?: number;
  /** Attempts per post before it is given up (default 8: about 4 minutes of retries). */
  readonly attempts?: number;
  /** First retry delay, doubled each time, at most 60 s (default 1 s). */
  readonly retryDelayMs?: number;
  /** Posts waiting per URL; beyond it the oldest is dropped (default 1,000). */
  readonly queueLimit?: number;
  /** Called with each post's outcome (for metrics). */
  readonly onOutcome?: (outcome: 'delivered' | 'failed' | 'dropped') => void;
}

/** One post: where, what, and what the logs may show of the URL (never its secrets). */
export interface WebhookPost {
  readonly url: string;
  readonly shownUrl: string;
  readonly event: string;
  readonly body: string;
}

interface Queued extends WebhookPost {
  readonly id: string;
  attempt: number;
}

/**
 * Posts go out one at a time per URL, in order, so a slow endpoint delays only its own posts; nothing here
 * ever waits for the rollout or makes it wait. A 2xx answer delivers; a network error, a timeout, 408,
 * 429 or 5xx is retried; another 4xx is given up at once (the endpoint refuses the post). Every post
 * carries `X-Pogo-Delivery`, the same on each retry, so a receiver can drop a repeat.
 */
export class WebhookSender {
  private readonly queues = new Map<string, Queued[]>();
  private readonly busy = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly abort = new AbortController();
  private stopped = false;

  constructor(private readonly o: WebhookSenderOptions) {}

  send(post: WebhookPost): void {
    if (this.stopped) return;
    const q = this.queues.get(post.url) ?? [];
    if (q.length >= (this.o.queueLimit ?? 1_000)) {
      const dropped = q.shift();
      this.o.onOutcome?.('dropped');
      this.o.log.warn(
        { url: post.shownUrl, event: dropped?.event },
        'webhook queue full: oldest post dropped',
      );
    }
    q.push({ ...post, id: randomUUID(), attempt: 0 });
    this.queues.set(post.url, q);
    void this.drain(post.url);
  }

  /** Stop sending: queued posts are dropped, an attempt under way is aborted. */
  stop(): void {
    this.stopped = true;
    this.abort.abort();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.queues.clear();
  }

  private async drain(url: string): Promise<void> {
    if (this.busy.has(url)) return;
    this.busy.add(url);
    try {
      for (;;) {
        const q = this.queues.get(url);
        const post = q?.[0];
        if (!q || !post || this.stopped) return;
        const outcome = await this.attempt(post);
        if (outcome === 'retry' && post.attempt < (this.o.attempts ?? 8)) {
          await this.pause(Math.min(60_000, (this.o.retryDelayMs ?? 1_000) * 2 ** (post.attempt - 1)));
          continue;
        }
        q.shift();
        if (q.length === 0) this.queues.delete(url);
        this.o.onOutcome?.(outcome === 'ok' ? 'delivered' : 'failed');
        if (outcome !== 'ok') {
          this.o.log.warn(
            { url: post.shownUrl, event: post.event, attempts: post.attempt },
            'webhook given up',
          );
        }
      }
    } finally {
      this.busy.delete(url);
    }
  }

  private async attempt(post: Queued): Promise<'ok' | 'retry' | 'refused'> {
    post.attempt++;
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.o.timeoutMs ?? 5_000)]);
    try {
      const res = await fetch(post.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'pogo-webhook',
          'x-pogo-event': post.event,
          'x-pogo-delivery': post.id,
        },
        body: post.body,
        signal,
        redirect: 'error',
      });
      await res.body?.cancel().catch(() => undefined);
      if (res.ok) return 'ok';
      const retry = res.status === 408 || res.status === 429 || res.status >= 500;
      this.o.log.warn(
        { url: post.shownUrl, status: res.status, attempt: post.attempt },
        'webhook answered with an error',
      );
      return retry ? 'retry' : 'refused';
    } catch (e: unknown) {
      if (this.stopped) return 'refused';
      const why = e instanceof Error ? e.message : String(e);
      this.o.log.warn({ url: post.shownUrl, attempt: post.attempt, error: why }, 'webhook not delivered');
      return 'retry';
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      t.unref();
      this.timers.add(t);
    });
  }
}
