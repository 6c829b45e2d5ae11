// One server-sent-events response: framing, keep-alive pings, and a bounded buffer for clients that read slowly.
import type { ServerResponse } from 'node:http';

/** Options of {@link SseStream}. */
export interface SseStreamOptions {
  /** A `: ping` comment this often keeps proxies and clients from timing out. */
  readonly heartbeatMs: number;
  /** Bytes queued for a client that does not read before it is dropped. */
  readonly maxBufferBytes: number;
  /** Once ending (or dropping), how long the client may make no reading progress before the socket is destroyed; default 5 s. */
  readonly dropGraceMs?: number;
}

/**
 * Writes an `text/event-stream` answer on a raw response. When the socket's buffer is full (`write` returns
 * false) frames queue here until 'drain'; past `maxBufferBytes` the client is sent `event: error` and dropped.
 * `onClose` callbacks run once, however the response ends (end, drop, client gone, server shutdown).
 */
export class SseStream {
  private readonly queue: string[] = [];
  private queuedBytes = 0;
  private waitingForDrain = false;
  private ending = false;
  private isClosed = false;
  private readonly closeCallbacks: (() => void)[] = [];
  private readonly heartbeat: NodeJS.Timeout;
  private dropTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly options: SseStreamOptions,
  ) {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      // Tells nginx-style proxies not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    this.heartbeat = setInterval(() => {
      if (!this.waitingForDrain) this.write(': ping\n\n');
    }, options.heartbeatMs);
    res.on('drain', () => this.flush());
    res.on('close', () => this.handleClose());
  }

  /** The response has ended or the client went away. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Run `callback` once when the response closes (at once if it already has). */
  onClose(callback: () => void): void {
    if (this.isClosed) callback();
    else this.closeCallbacks.push(callback);
  }

  /** One event: `id`, `event` and a JSON `data` line. */
  send(id: number | undefined, type: string, data: unknown): void {
    const idLine = id === undefined ? '' : `id: ${id}\n`;
    this.write(`${idLine}event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Send what is queued, then end the response. */
  end(): void {
    if (this.isClosed || this.ending) return;
    this.ending = true;
    if (this.waitingForDrain) this.armDropTimer();
    else this.res.end();
  }

  /** Tell the client why (an `error` event), drop what is queued, and close. */
  fail(error: { readonly code: string; readonly message: string }): void {
    if (this.isClosed || this.ending) return;
    this.ending = true;
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.res.end(`event: error\ndata: ${JSON.stringify(error)}\n\n`);
    this.armDropTimer();
  }

  private write(frame: string): void {
    if (this.isClosed || this.ending) return;
    if (this.waitingForDrain) {
      this.queue.push(frame);
      this.queuedBytes += Buffer.byteLength(frame);
      if (this.queuedBytes > this.options.maxBufferBytes) {
        this.fail({
          code: 'API_UNREACHABLE',
          message: `dropped: the client read too slowly (over ${this.options.maxBufferBytes} bytes queued); reconnect with Last-Event-ID`,
        });
      }
      return;
    }
    this.waitingForDrain = !this.res.write(frame);
  }

  /** A client that reads nothing would otherwise keep the socket (and its buffers) forever. */
  private armDropTimer(): void {
    this.dropTimer ??= setTimeout(() => this.res.destroy(), this.options.dropGraceMs ?? 5_000);
    this.dropTimer.unref();
  }

  private flush(): void {
    this.dropTimer?.refresh();
    this.waitingForDrain = false;
    while (this.queue.length > 0 && !this.waitingForDrain) {
      const frame = this.queue.shift() ?? '';
      this.queuedBytes -= Buffer.byteLength(frame);
      this.waitingForDrain = !this.res.write(frame);
    }
    if (this.ending && !this.waitingForDrain && !this.isClosed) this.res.end();
  }

  private handleClose(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.dropTimer);
    this.queue.length = 0;
    for (const callback of this.closeCallbacks.splice(0)) callback();
  }
}
