// The worker's WebSocket client: mutual TLS to a dispatcher, reconnecting with backoff forever, driving a WorkerAgent.
import type { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { createSecureContext } from 'node:tls';
import { inspect } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import type { ClientOptions, RawData } from 'ws';
import { PogoError } from '../model/index.ts';
import { checkOwnCertificate, serverIdentityCheck } from './link-certs.ts';
import type { LinkLogger } from './link-log.ts';
import { silentLinkLogger } from './link-log.ts';
import { dispatcherMessageSchema } from './link-protocol.ts';
import {
  CLOSE_PROTOCOL_ERROR,
  CLOSE_STOPPED_EMPTY,
  HELLO_TIMEOUT_MS,
  LINK_MAX_PAYLOAD_BYTES,
  backoffDelay,
  closeReason,
  frameText,
  isLoopbackHost,
  parseLinkFrame,
} from './link-rules.ts';
import type { WorkerAgent } from './worker-agent.ts';

/** PEM material of the worker's side of mutual TLS. */
export interface WorkerTls {
  /** The CA the dispatcher's certificate must chain to. */
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** Options of {@link connectWorker}. */
export interface ConnectWorkerOptions {
  /** `wss://host:port` (or `ws://` on loopback with `insecureLoopback`). */
  readonly url: string;
  /**
   * Other servers of the same cluster, tried in turn while `url` cannot be reached (its jobs are taken
   * over by one of them, which then needs this worker's held tasks and results).
   */
  readonly fallbacks?: readonly string[] | undefined;
  readonly tls?: WorkerTls | undefined;
  /** Allow plain `ws://`, only to a loopback address (tests, demos). */
  readonly insecureLoopback?: boolean | undefined;
  /** Aborting it closes the link and stops reconnecting (as {@link WorkerLink.close}). */
  readonly signal?: AbortSignal | undefined;
  readonly log?: LinkLogger | undefined;
}

/** A running worker link. */
export interface WorkerLink {
  /** Close the socket and stop reconnecting; resolves once the socket is closed. Idempotent. */
  close(): Promise<void>;
  /** Resolves when the link stopped for good (closed, aborted, or the agent stopped). */
  readonly done: Promise<void>;
}

type ServerCheck = NonNullable<ClientOptions['checkServerIdentity']>;

/** The longest wait between attempts when the worker has several servers to try. */
const FALLBACK_MAX_DELAY_MS = 1_000;

/** Wait this long for a close handshake before dropping the socket. */
const CLOSE_GRACE_MS = 1_000;

/**
 * Check the link's security rule: `wss://` needs CA, certificate and key; `ws://` only with
 * `insecureLoopback` to a loopback host. Throws PogoError WORKER_TLS naming the rule.
 */
export function checkLinkUrl(options: Pick<ConnectWorkerOptions, 'url' | 'tls' | 'insecureLoopback'>): URL {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch (e: unknown) {
    throw new PogoError('WORKER_TLS', `"${options.url}" is not a URL`, {
      cause: e,
      hint: 'write wss://HOST:PORT',
    });
  }
  if (url.protocol === 'wss:') {
    if (!options.tls) {
      throw new PogoError('WORKER_TLS', `${options.url}: wss:// needs a CA, a certificate and a key`, {
        hint: 'pass --ca, --cert and --key (pogo certs issue worker NAME)',
      });
    }
    checkTlsMaterial(options.tls);
    return url;
  }
  if (url.protocol !== 'ws:') {
    throw new PogoError('WORKER_TLS', `${options.url}: the worker link is wss:// (or ws:// on loopback)`);
  }
  if (!options.insecureLoopback || !isLoopbackHost(url.hostname)) {
    throw new PogoError(
      'WORKER_TLS',
      `${options.url}: plain ws:// is allowed only with --insecure-loopback to a loopback address (127.0.0.0/8, ::1, localhost)`,
      { hint: 'use wss:// with --ca, --cert and --key' },
    );
  }
  return url;
}

/** Refuse PEM material that TLS cannot use (garbage, a key that does not match the certificate). */
export function checkTlsMaterial(tls: WorkerTls): void {
  try {
    createSecureContext({ ca: tls.ca, cert: tls.cert, key: tls.key });
  } catch (e: unknown) {
    throw new PogoError('WORKER_TLS', `unusable TLS material: ${describe(e)}`, {
      cause: e,
      hint: 'check the CA, certificate and key files (PEM; the key must match the certificate)',
    });
  }
}

/**
 * Connect `agent` to the dispatcher at `url` and keep it connected: on any close, reconnect after
 * 0.5 s doubling to 30 s (with jitter), forever, until closed, aborted, or the agent has stopped.
 * Throws WORKER_TLS at once for a URL that breaks the security rule, or for a worker certificate that
 * is not of role worker, not signed by the CA or not valid now. Connection failures (a server whose
 * certificate has the wrong name or role included) are logged (WORKER_CONNECT_FAILED) and retried.
 */
export function connectWorker(agent: WorkerAgent, options: ConnectWorkerOptions): WorkerLink {
  const urls = [options.url, ...(options.fallbacks ?? [])].map((u) => checkLinkUrl({ ...options, url: u }));
  const ca = options.tls ? checkOwnCertificate(options.tls, 'worker') : undefined;
  const log = options.log ?? silentLinkLogger;
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop.abort();
  let current: WebSocket | undefined;
  // A worker whose stop left nothing held tells the server so: what it sent and got no answer for never ran.
  const stopCode = (): number => (agent.stopped && agent.held.length === 0 ? CLOSE_STOPPED_EMPTY : 1000);
  stop.signal.addEventListener(
    'abort',
    () => current && closeSocket(current, stopCode(), 'worker stopping'),
    {
      once: true,
    },
  );

  const loop = async (): Promise<void> => {
    let failures = 0;
    let at = 0;
    while (!stop.signal.aborted && !agent.stopped) {
      const url = urls[at] as URL;
      let welcomed = false;
      try {
        const socket = open(url, options.tls, ca);
        current = socket;
        welcomed = await drive(socket, agent, url.href, log, stop.signal);
      } catch (e: unknown) {
        // A bad key or certificate can fail before any socket exists: log it and retry like a refused connection.
        const error = new PogoError(
          'WORKER_CONNECT_FAILED',
          `cannot connect to ${url.href}: ${describe(e)}`,
          {
            cause: e,
          },
        );
        log.error({ url: url.href, code: error.code }, error.message);
      }
      current = undefined;
      failures = welcomed ? 1 : failures + 1;
      // A server that does not answer: try the next one (a welcomed link that closed is tried again first).
      if (!welcomed && urls.length > 1) {
        at = (at + 1) % urls.length;
        if (at !== 0) failures = Math.max(0, failures - 1);
      }
      if (stop.signal.aborted || agent.stopped) break;
      // Moving between the servers of a cluster (one is down, or sent this worker on): keep it quick.
      const delay =
        urls.length > 1 ? Math.min(backoffDelay(failures), FALLBACK_MAX_DELAY_MS) : backoffDelay(failures);
      log.debug({ url: url.href, delayMs: delay }, `reconnecting in ${(delay / 1000).toFixed(1)} s`);
      await sleep(delay, undefined, { signal: stop.signal }).catch(() => undefined);
    }
  };
  const done = loop().finally(() => options.signal?.removeEventListener('abort', onAbort));
  return {
    done,
    close: () => {
      stop.abort();
      return done;
    },
  };
}

/** One WebSocket attempt; with TLS: 1.3 only, the server's name checked, its role checked (`ca` given with `tls`). */
function open(url: URL, tls: WorkerTls | undefined, ca: X509Certificate | undefined): WebSocket {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return new WebSocket(url, {
    maxPayload: LINK_MAX_PAYLOAD_BYTES,
    handshakeTimeout: HELLO_TIMEOUT_MS,
    perMessageDeflate: false,
    ...(tls
      ? {
          ca: tls.ca,
          cert: tls.cert,
          key: tls.key,
          rejectUnauthorized: true,
          minVersion: 'TLSv1.3' as const,
          servername: isIP(host) ? '' : host,
          // ws hands every option to tls.connect; its typings describe an old, different callback.
          ...(ca ? { checkServerIdentity: serverIdentityCheck(ca) as unknown as ServerCheck } : {}),
        }
      : {}),
  });
}

/** Run one connection to its end; resolves true when the agent was welcomed on it. */
function drive(
  socket: WebSocket,
  agent: WorkerAgent,
  href: string,
  log: LinkLogger,
  stopping: AbortSignal,
): Promise<boolean> {
  return new Promise((resolve) => {
    let opened = false;
    let welcomed = false;
    let failure: unknown;
    socket.on('open', () => {
      opened = true;
      log.debug({ url: href }, `connected to ${href}`);
      agent.onOpen({
        send: (message) => {
          if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
        },
        close: (reason) => closeSocket(socket, 1000, reason),
      });
    });
    socket.on('message', (data: RawData) => {
      const parsed = parseLinkFrame(dispatcherMessageSchema, frameText(data));
      if (!parsed.ok) {
        log.error({ url: href, code: 'WORKER_PROTOCOL' }, `closing the link: ${parsed.problem}`);
        return closeSocket(socket, CLOSE_PROTOCOL_ERROR, parsed.problem);
      }
      agent.onMessage(parsed.message);
      welcomed ||= agent.welcomed;
    });
    socket.on('error', (e: Error) => (failure = e));
    socket.on('close', (code: number, reason: Buffer) => {
      if (opened) {
        agent.onClose();
        const why = reason.length > 0 ? reason.toString('utf8') : failure ? describe(failure) : 'no reason';
        const level = stopping.aborted || agent.stopped ? 'info' : 'warn';
        log[level]({ url: href, code, reason: why }, `disconnected from ${href}: ${code} ${why}`);
      } else if (!stopping.aborted) {
        const error = new PogoError(
          'WORKER_CONNECT_FAILED',
          `cannot connect to ${href}: ${describe(failure)}`,
          {
            cause: failure,
          },
        );
        log.warn({ url: href, code: error.code, cause: describe(failure) }, error.message);
      }
      resolve(welcomed);
    });
  });
}

/** Close with a handshake, and drop the socket if the peer does not answer in time. */
function closeSocket(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState === WebSocket.CLOSED) return;
  if (socket.readyState === WebSocket.CONNECTING) return socket.terminate();
  socket.close(code, closeReason(reason));
  const timer = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
  socket.once('close', () => clearTimeout(timer));
}

function describe(e: unknown): string {
  if (e === undefined) return 'closed before the handshake completed';
  if (!(e instanceof Error)) return inspect(e);
  const code = (e as NodeJS.ErrnoException).code;
  const message =
    code === 'INVALID_PURPOSE'
      ? `${e.message}: the server's certificate is not for server authentication (a worker certificate?)`
      : e.message;
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
