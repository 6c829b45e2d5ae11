// A minimal SSE reader for tests (node:http): reads events until `maxEvents` or the server's `end` event.
import { request } from 'node:http';

/** One server-sent event. */
export interface SseEvent {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: string;
}

/** Read `url` as an event stream; stops after `maxEvents` (closing the connection) or at `event: end`. */
export function readSse(
  url: string,
  token: string,
  options: { readonly maxEvents?: number; readonly lastEventId?: string; readonly timeoutMs?: number } = {},
): Promise<{ events: SseEvent[]; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    const req = request(url, {
      headers: {
        accept: 'text/event-stream',
        authorization: `Bearer ${token}`,
        ...(options.lastEventId ? { 'last-event-id': options.lastEventId } : {}),
      },
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`SSE: no end after ${options.timeoutMs ?? 60_000} ms; got ${events.length} events`));
    }, options.timeoutMs ?? 60_000);
    const finish = (ended: boolean): void => {
      clearTimeout(timer);
      req.destroy();
      resolve({ events, ended });
    };
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        clearTimeout(timer);
        reject(new Error(`SSE: HTTP ${res.statusCode}`));
        res.resume();
        return;
      }
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let id: string | undefined;
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const [k, ...v] = line.split(':');
            const value = v.join(':').replace(/^ /, '');
            if (k === 'id') id = value;
            else if (k === 'event') event = value;
            else if (k === 'data') data.push(value);
          }
          if (data.length === 0 && id === undefined && event === 'message') continue;
          if (event === 'end') return finish(true);
          events.push({ id, event, data: data.join('\n') });
          if (options.maxEvents !== undefined && events.length >= options.maxEvents) return finish(false);
        }
      });
      res.on('end', () => finish(false));
    });
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end();
  });
}
