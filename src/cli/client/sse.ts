// Server-sent events over fetch: a chunk-safe parser, a reader of one response, and a follower that reconnects.
import type { ReadableStream, ReadableStreamDefaultReader, ReadableStreamReadResult } from 'node:stream/web';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ErrorCode } from '../../model/index.ts';
import { ERROR_CODES, PogoError } from '../../model/index.ts';
import type { ApiClient } from './api-client.ts';
import { ServerError } from './api-client.ts';

/** One event of the stream. */
export interface SseMessage {
  /** The id this event's own `id:` line set (the parser's `lastEventId` keeps the last one across events). */
  readonly id: string | undefined;
  readonly event: string;
  readonly data: string;
}

/**
 * The SSE wire format (HTML Living Standard, "event stream interpretation"), fed in arbitrary chunks: lines
 * end with LF, CRLF or CR (even split across chunks), `:` starts a comment, `data` lines join with `\n`,
 * `field` without a colon has an empty value, one space after the colon is dropped. Unlike a browser, an
 * event that names a type but has no data is still delivered (a bare `event: end` ends a Pogo stream).
 */
export class SseParser {
  /** The id of the last event (or `id:` line) seen. */
  lastEventId: string | undefined;
  /** The reconnection delay the server asked for with `retry:`, in ms. */
  retryMs: number | undefined;
  /** Comments seen (`: ping` keep-alives). */
  comments = 0;
  private partial = '';
  private skipLf = false;
  private type = '';
  private id: string | undefined;
  private data: string[] = [];
  private decoder = new TextDecoder('utf-8');

  /** Feed bytes (or text); returns the events completed by them, in order. */
  feed(chunk: Uint8Array | string): SseMessage[] {
    let text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    if (this.skipLf && text.startsWith('\n')) text = text.slice(1);
    this.skipLf = false;
    const out: SseMessage[] = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const line = this.partial + text.slice(start, i);
      this.partial = '';
      if (c === 13) {
        if (i + 1 === text.length) this.skipLf = true;
        else if (text.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
      const message = this.line(line);
      if (message) out.push(message);
    }
    this.partial += text.slice(start);
    return out;
  }

  private line(line: string): SseMessage | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) {
      this.comments++;
      return undefined;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.type = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
    return undefined;
  }

  private dispatch(): SseMessage | undefined {
    const { type, data, id } = this;
    this.type = '';
    this.id = undefined;
    this.data = [];
    if (type === '' && data.length === 0) return undefined;
    return { id, event: type || 'message', data: data.join('\n') };
  }
}

/** Options of {@link readSse}. */
export interface ReadSseOptions {
  /** Give up on a stream that sent nothing (not even a `: ping`) for this long; default 60 s. */
  readonly idleTimeoutMs?: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * The events of one response body, until the body ends. A body that breaks or stays silent past the idle
 * timeout throws API_UNREACHABLE; an abort of `signal` throws its reason.
 */
export async function* readSse(
  body: ReadableStream<Uint8Array>,
  parser: SseParser,
  options: ReadSseOptions = {},
): AsyncGenerator<SseMessage> {
  const idleMs = options.idleTimeoutMs ?? 60_000;
  const reader = body.getReader();
  try {
    for (;;) {
      const chunk = await readWithin(reader, idleMs, options.signal);
      if (chunk.done) return;
      for (const message of parser.feed(chunk.value)) yield message;
    }
  } finally {
    // Ends the HTTP response when the consumer stops early (a `break`, an abort).
    await reader.cancel().catch(() => undefined);
  }
}

async function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  idleMs: number,
  signal: AbortSignal | undefined,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  let timer: NodeJS.Timeout | undefined;
  const idle = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new PogoError('API_UNREACHABLE', `the event stream was silent for ${idleMs / 1000}s`));
    }, idleMs);
  });
  try {
    return await Promise.race([reader.read(), idle]);
  } catch (e: unknown) {
    if (signal?.aborted) throw signal.reason;
    if (e instanceof PogoError) throw e;
    throw new PogoError('API_UNREACHABLE', `the event stream broke: ${(e as Error).message}`, { cause: e });
  } finally {
    clearTimeout(timer);
  }
}

/** Why and when {@link followSse} reconnects. */
export interface ReconnectInfo {
  /** Reconnects in a row without an event in between (1 on the first). */
  readonly attempt: number;
  readonly delayMs: number;
  readonly cause: unknown;
}

/** Options of {@link followSse}. */
export interface FollowSseOptions extends ReadSseOptions {
  /** Resume after this id (sent as `Last-Event-ID` on the first connection too). */
  readonly lastEventId?: string | undefined;
  /** The event type that ends the stream for good (default `end`). */
  readonly endEvent?: string;
  /**
   * The event type of an error the server reports in the stream before closing it (default `error`,
   * data `{ code, message }`): reconnect when it is transient (unreachable, store unavailable), else throw.
   */
  readonly errorEvent?: string;
  /** First and longest pause before reconnecting; doubles in between. Default 500 ms → 5 s. */
  readonly backoffMs?: { readonly initial: number; readonly max: number };
  readonly onReconnect?: (info: ReconnectInfo) => void;
}

/**
 * Follow an SSE endpoint across dropped connections: reconnect with backoff and `Last-Event-ID`, and drop
 * events whose numeric id is not above the last one delivered, so none is lost or repeated. Ends after
 * delivering the end event. Errors other than unreachable / 5xx (a 404, a 401) are thrown at once.
 */
export async function* followSse(
  client: ApiClient,
  path: string,
  options: FollowSseOptions = {},
): AsyncGenerator<SseMessage> {
  const endEvent = options.endEvent ?? 'end';
  const errorEvent = options.errorEvent ?? 'error';
  const backoff = options.backoffMs ?? { initial: 500, max: 5_000 };
  let lastId = options.lastEventId;
  let attempt = 0;
  for (;;) {
    const parser = new SseParser();
    let cause: unknown;
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (lastId !== undefined) headers['last-event-id'] = lastId;
      const res = await client.stream(path, { headers, signal: options.signal });
      if (!res.body) throw new PogoError('API_UNREACHABLE', 'the event stream has no body');
      for await (const message of readSse(res.body as ReadableStream<Uint8Array>, parser, options)) {
        if (message.event === errorEvent) throw streamError(message.data);
        attempt = 0;
        if (message.id !== undefined && message.event !== endEvent) {
          if (isRepeat(message.id, lastId)) continue;
          lastId = message.id;
        }
        yield message;
        if (message.event === endEvent) return;
      }
      cause = new PogoError('API_UNREACHABLE', 'the server closed the event stream');
    } catch (e: unknown) {
      if (options.signal?.aborted || !isRetryable(e)) throw e;
      cause = e;
    }
    attempt++;
    const base = parser.retryMs ?? backoff.initial;
    const delayMs = Math.min(backoff.max, base * 2 ** (attempt - 1));
    options.onReconnect?.({ attempt, delayMs, cause });
    await sleep(delayMs, undefined, { signal: options.signal }).catch((e: unknown) => {
      throw options.signal?.aborted ? options.signal.reason : e;
    });
  }
}

/** The PogoError an in-stream `error` event reports (unknown codes become INTERNAL, keeping the message). */
export function streamError(data: string): PogoError {
  let body: { code?: unknown; message?: unknown } = {};
  try {
    body = (JSON.parse(data) as typeof body | null) ?? {};
  } catch {
    // Not JSON: the text itself is the message.
  }
  const message = typeof body.message === 'string' ? body.message : data || 'the event stream failed';
  const code = typeof body.code === 'string' ? body.code : '';
  const known = (ERROR_CODES as readonly string[]).includes(code);
  return new PogoError(
    known ? (code as ErrorCode) : 'INTERNAL',
    known || !code ? message : `${message} (server code ${code})`,
  );
}

/** An id at or below the last delivered one (both integers): the server sent it again. */
function isRepeat(id: string, last: string | undefined): boolean {
  if (last === undefined || !/^\d+$/.test(id) || !/^\d+$/.test(last)) return false;
  return Number(id) <= Number(last);
}

function isRetryable(e: unknown): boolean {
  if (e instanceof ServerError) return e.status >= 500;
  return e instanceof PogoError && (e.code === 'API_UNREACHABLE' || e.code === 'STORE_UNAVAILABLE');
}
