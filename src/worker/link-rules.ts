// Rules both ends of the worker link share: frame limits, close codes, loopback-only plain ws, frame parsing.
import { isIP } from 'node:net';
import type { RawData } from 'ws';
import type { z } from 'zod';

/** Frames above this are refused by both ends (ws `maxPayload`). */
export const LINK_MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;

/** WebSocket close code for a protocol violation (RFC 6455 "policy violation"). */
export const CLOSE_PROTOCOL_ERROR = 1008;
/** WebSocket close code when a side shuts down. */
export const CLOSE_GOING_AWAY = 1001;
/**
 * Close code of a worker that stopped holding nothing: every result it had was acknowledged, and it refused
 * every task it got while stopping, so a task sent to it that it never answered did not run there.
 */
export const CLOSE_STOPPED_EMPTY = 4001;

/** The first message must be `hello` within this long. */
export const HELLO_TIMEOUT_MS = 10_000;

/** Default interval of heartbeats both ways; a side that hears nothing for 3× this closes the link. */
export const DEFAULT_HEARTBEAT_MS = 5_000;

/** True for 127.0.0.0/8, ::1 (also as `[::1]` or IPv4-mapped) and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h)?.[1] ?? h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/** A close reason cut to the 123 bytes a WebSocket close frame allows (on a character boundary). */
export function closeReason(text: string): string {
  if (Buffer.byteLength(text) <= 123) return text;
  let out = text.slice(0, 123);
  while (Buffer.byteLength(out) > 120) out = out.slice(0, -1);
  return `${out}…`;
}

/** A parsed frame, or what is wrong with it (for the close reason and the log). */
export type ParsedFrame<T> =
  { readonly ok: true; readonly message: T } | { readonly ok: false; readonly problem: string };

/** Parse one text frame as JSON and validate it with `schema`; nothing of an invalid frame is returned. */
export function parseLinkFrame<T>(schema: z.ZodType<T>, text: string): ParsedFrame<T> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e: unknown) {
    return {
      ok: false,
      problem: `WORKER_PROTOCOL: invalid JSON (${e instanceof Error ? e.message : String(e)})`,
    };
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'message';
  return { ok: false, problem: `WORKER_PROTOCOL: invalid message: ${where}: ${issue?.message ?? 'invalid'}` };
}

/** The text of a received frame (ws hands over a Buffer, or fragments). */
export function frameText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/**
 * Delay before reconnect attempt `attempt` (1, 2, …): 0.5 s doubling to 30 s, with jitter (half fixed,
 * half random) so that workers cut off together do not come back together.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 500 * 2 ** Math.min(Math.max(attempt - 1, 0), 16));
  return Math.round(base / 2 + (random() * base) / 2);
}
