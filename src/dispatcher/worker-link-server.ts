// The dispatcher's worker port: WebSocket over mutual TLS, frames validated at the edge, one LinkSession per socket.
import type { X509Certificate } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import WebSocket, { WebSocketServer } from 'ws';
import type { RawData } from 'ws';
import { PogoError } from '../model/index.ts';
import { certificateProblem } from '../security/index.ts';
import type { LinkLogger } from '../worker/index.ts';
import {
  CLOSE_GOING_AWAY,
  checkOwnCertificate,
  checkTlsMaterial,
  LINK_MAX_PAYLOAD_BYTES,
  closeReason,
  frameText,
  isLoopbackHost,
  parseLinkFrame,
  silentLinkLogger,
  tlsRefusalReason,
  workerMessageSchema,
} from '../worker/index.ts';
import { LinkSession } from './link-session.ts';
import type { LinkCertificate, WorkerChannelHandler } from './worker-channel.ts';

/** Options of {@link startWorkerLinkServer}. */
export interface WorkerLinkServerOptions {
  readonly host: string;
  /** 0: an ephemeral port (see the returned `port`). */
  readonly port: number;
  /** PEM: the CA worker certificates must chain to, and this server's certificate and key. */
  readonly tls?: { readonly ca: Buffer; readonly cert: Buffer; readonly key: Buffer } | undefined;
  /** Allow plain ws:// without TLS, only on a loopback `host`. */
  readonly insecureLoopback?: boolean | undefined;
  readonly handler: WorkerChannelHandler;
  /** Heartbeat interval both ways (default: what the handler's welcome says). */
  readonly heartbeatMs?: number | undefined;
  /** This dispatcher's name, for logs. */
  readonly dispatcherName: string;
  readonly log?: LinkLogger | undefined;
}

/** A listening worker port. */
export interface WorkerLinkServer {
  readonly port: number;
  /** Close every link (1001) and the server; idempotent. */
  close(): Promise<void>;
}

/** Wait this long for close handshakes before dropping sockets. */
const CLOSE_GRACE_MS = 1_000;

/**
 * Listen for workers. With `tls`: TLS 1.3 only; a client must present a certificate signed by
 * `tls.ca`, valid now and of role worker, checked after the handshake and before any WebSocket
 * upgrade; every refusal is logged (warn) with the remote address and the reason. This server's own
 * certificate must be of role server (else WORKER_TLS). Without `tls`, only with `insecureLoopback`
 * on a loopback host (else WORKER_TLS).
 */
export async function startWorkerLinkServer(options: WorkerLinkServerOptions): Promise<WorkerLinkServer> {
  const { tls } = options;
  if (!tls && !(options.insecureLoopback && isLoopbackHost(options.host))) {
    throw new PogoError(
      'WORKER_TLS',
      `worker port ${options.host}: plain ws:// is allowed only with --insecure-loopback on a loopback address (127.0.0.0/8, ::1, localhost)`,
      {
        hint: 'give the worker port a CA, a certificate and a key (pogo certs init; pogo certs issue server NAME)',
      },
    );
  }
  const log = options.log ?? silentLinkLogger;
  if (tls) checkTlsMaterial(tls);
  const ca = tls ? checkOwnCertificate(tls, 'server') : undefined;
  const server: Server = tls
    ? createHttpsServer({
        ca: tls.ca,
        cert: tls.cert,
        key: tls.key,
        minVersion: 'TLSv1.3',
        requestCert: true,
        rejectUnauthorized: true,
      })
    : createHttpServer();
  /** Sockets whose worker certificate passed the role check, with that certificate. */
  const admitted = new WeakMap<Socket, LinkCertificate>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: LINK_MAX_PAYLOAD_BYTES,
    perMessageDeflate: false,
  });
  const sockets = new Set<Socket>();
  const links = new Set<WebSocket>();
  let closing: Promise<void> | undefined;

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // Read the address now: a socket the TLS layer refuses is gone by the time tlsClientError says why.
    remoteOf(socket);
  });
  server.on('tlsClientError', (e: Error, socket: TLSSocket) => {
    const reason = tlsRefusalReason(e, socket.authorizationError);
    const remote = remoteOf(socket);
    log.warn({ remote, reason, error: e.message }, `worker refused (TLS) from ${remote}: ${reason}`);
  });
  if (ca) {
    server.on('secureConnection', (socket: TLSSocket) => {
      const peer = socket.getPeerX509Certificate();
      const reason = peer ? certificateProblem(peer, { ca, role: 'worker' }) : 'no client certificate';
      if (reason === undefined && peer) {
        admitted.set(socket, certificateOf(peer));
        return;
      }
      const remote = remoteOf(socket);
      log.warn({ remote, reason }, `worker refused from ${remote}: ${reason}`);
      socket.destroy();
    });
  }
  server.on('request', (_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' });
    res.end('pogo worker port: WebSocket only\n');
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    if (closing) return void socket.destroy();
    const certificate = admitted.get(socket);
    // Belt and braces: secureConnection destroyed refused sockets; nothing unchecked gets a link.
    if (tls && !certificate) return void socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      links.add(ws);
      ws.once('close', () => links.delete(ws));
      serveLink(ws, req, options, log, certificate);
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (e: Error): void =>
      reject(
        new PogoError(
          'SERVER_START_FAILED',
          `cannot listen for workers on ${options.host}:${options.port}: ${e.message}`,
          {
            cause: e,
          },
        ),
      );
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (e: Error) => log.error({ error: e.message }, 'worker port error'));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  log.info(
    { host: options.host, port, tls: tls !== undefined },
    `worker port listening on ${options.host}:${port}`,
  );

  const close = async (): Promise<void> => {
    const closed = [...links].map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.close(CLOSE_GOING_AWAY, 'dispatcher shutting down');
        }),
    );
    const grace = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, CLOSE_GRACE_MS);
      void Promise.all(closed).then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    await grace;
    for (const ws of links) ws.terminate();
    wss.close();
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await serverClosed;
  };
  return {
    port,
    close: () => (closing ??= close()),
  };
}

/** Wire one upgraded socket to a LinkSession: parse and validate every frame, report the close. */
function serveLink(
  ws: WebSocket,
  req: IncomingMessage,
  options: WorkerLinkServerOptions,
  log: LinkLogger,
  certificate: LinkCertificate | undefined,
): void {
  const remote = remoteOf(req.socket);
  const session = new LinkSession({
    remote,
    certificate,
    handler: options.handler,
    heartbeatMs: options.heartbeatMs,
    log,
    wire: {
      send: (message) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
      },
      close: (code, reason) => {
        if (ws.readyState === WebSocket.CLOSED) return;
        ws.close(code, closeReason(reason));
        const timer = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
        ws.once('close', () => clearTimeout(timer));
      },
    },
  });
  let failure: Error | undefined;
  ws.on('message', (data: RawData) => {
    const parsed = parseLinkFrame(workerMessageSchema, frameText(data));
    if (parsed.ok) session.receive(parsed.message);
    else session.refuse(parsed.problem);
  });
  ws.on('error', (e: Error) => (failure = e));
  ws.on('close', (code: number, reason: Buffer) => {
    const text = reason.length > 0 ? reason.toString('utf8') : (failure?.message ?? 'no reason');
    session.ended(`closed (${code} ${text})`, code);
  });
}

/** What the dispatcher keeps of an admitted worker's certificate. */
function certificateOf(peer: X509Certificate): LinkCertificate {
  return { pem: peer.toString(), fingerprint256: peer.fingerprint256 };
}

/**
 * `ip:port`, plus ` CN=name` for a TLS client certificate. A TLS socket destroyed by the TLS layer
 * has lost its address; the TCP socket under it (`_parent`, read once on connection) still knows it.
 */
function remoteOf(socket: Socket | TLSSocket): string {
  const under = (socket as { _parent?: Socket | null })._parent;
  const ip = socket.remoteAddress ?? under?.remoteAddress;
  const port = socket.remotePort ?? under?.remotePort;
  if (ip === undefined) return 'unknown';
  const address = ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
  if (!('getPeerCertificate' in socket) || socket.destroyed) return address;
  const cn: unknown = socket.getPeerCertificate()?.subject?.CN;
  return typeof cn === 'string' && cn !== '' ? `${address} CN=${cn}` : address;
}
