// The dispatcher's side of one worker link, whatever carries it: hello first, then welcome, heartbeats, handler calls.
import type { LinkLogger } from '../worker/index.ts';
import type { DispatcherMessage, HelloMessage, WelcomeMessage, WorkerMessage } from '../worker/index.ts';
import {
  CLOSE_PROTOCOL_ERROR,
  CLOSE_STOPPED_EMPTY,
  HELLO_TIMEOUT_MS,
  LINK_PROTOCOL_VERSION,
} from '../worker/index.ts';
import type { LinkCertificate, WorkerChannel, WorkerChannelHandler } from './worker-channel.ts';

/** How a session reaches its worker (a WebSocket, or the in-process queue). Neither method throws. */
export interface LinkWire {
  send(message: DispatcherMessage): void;
  close(code: number, reason: string): void;
}

/** Options of {@link LinkSession}. */
export interface LinkSessionOptions {
  readonly remote: string;
  /** The worker certificate the link server admitted (TLS links only). */
  readonly certificate?: LinkCertificate | undefined;
  readonly handler: WorkerChannelHandler;
  /** Heartbeat interval; when undefined, the one the handler's welcome names. */
  readonly heartbeatMs?: number | undefined;
  readonly wire: LinkWire;
  readonly log: LinkLogger;
  readonly now?: (() => number) | undefined;
}

/** Close code when a worker went silent (application range). */
export const CLOSE_SILENT = 4000;

type Phase = 'hello' | 'greeting' | 'welcomed' | 'closed';

/**
 * One worker link as the dispatcher runs it. The first message must be a `hello` of this protocol
 * version within 10 s; the handler's welcome goes out (with the heartbeat interval this session
 * uses), then heartbeats every interval; a worker silent for 3 intervals is dropped. Messages reach
 * the handler only after the welcome; `onDisconnect` is called once for a welcomed channel.
 */
export class LinkSession {
  private phase: Phase = 'hello';
  private channel: WorkerChannel | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastHeard: number;
  private closeWhy = '';
  /** Messages the handler sent while its welcome was pending: they follow the welcome. */
  private early: DispatcherMessage[] = [];
  private readonly now: () => number;

  constructor(private readonly o: LinkSessionOptions) {
    this.now = o.now ?? Date.now;
    this.lastHeard = this.now();
    this.timer = setTimeout(
      () => this.refuse(`WORKER_PROTOCOL: no hello within ${HELLO_TIMEOUT_MS / 1000} s`),
      HELLO_TIMEOUT_MS,
    );
  }

  /** A validated message from the worker. */
  receive(message: WorkerMessage): void {
    if (this.phase === 'closed') return;
    this.lastHeard = this.now();
    if (this.phase === 'hello') {
      if (message.type === 'hello') return this.greet(message);
      return this.refuse(`WORKER_PROTOCOL: the first message must be hello, not ${message.type}`);
    }
    const channel = this.channel;
    if (this.phase === 'greeting' || !channel) {
      return this.refuse(`WORKER_PROTOCOL: ${message.type} before the welcome`);
    }
    if (message.type === 'hello') return this.refuse('WORKER_PROTOCOL: a second hello');
    const handler = this.o.handler;
    this.call(() => handler.onSeen(channel));
    if (message.type === 'output') this.call(() => handler.onOutput(channel, message));
    else if (message.type === 'result') this.call(() => handler.onResult(channel, message));
    else if (message.type === 'refuse') this.call(() => handler.onRefuse(channel, message));
  }

  /** Close the link over a protocol violation (close code 1008, the problem as reason). */
  refuse(problem: string): void {
    this.o.log.warn({ remote: this.o.remote, reason: problem }, `worker link refused: ${problem}`);
    this.shut(CLOSE_PROTOCOL_ERROR, problem);
  }

  /** Close the link from this side. */
  shut(code: number, reason: string): void {
    if (this.phase === 'closed') return;
    this.finish(reason);
    this.o.wire.close(code, reason);
  }

  /** The carrier closed (either side), with the WebSocket close code when there is one. */
  ended(reason: string, code?: number): void {
    this.finish(reason, code === CLOSE_STOPPED_EMPTY);
  }

  private greet(hello: HelloMessage): void {
    if (hello.protocol !== LINK_PROTOCOL_VERSION) {
      return this.refuse(
        `WORKER_PROTOCOL: the worker speaks link protocol ${hello.protocol}, this dispatcher ${LINK_PROTOCOL_VERSION}`,
      );
    }
    clearTimeout(this.timer);
    this.phase = 'greeting';
    const channel: WorkerChannel = {
      instance: hello.instance,
      name: hello.name,
      capacity: hello.capacity,
      remote: this.o.remote,
      ...(this.o.certificate ? { certificate: this.o.certificate } : {}),
      send: (message) => {
        if (this.phase === 'welcomed') this.o.wire.send(message);
        else if (this.phase === 'greeting') this.early.push(message);
      },
      close: (reason) => this.shut(1000, reason),
    };
    this.o.handler.onHello(channel, hello).then(
      (welcome) => this.welcome(channel, welcome),
      (e: unknown) => this.refuse(e instanceof Error ? e.message : String(e)),
    );
  }

  private welcome(channel: WorkerChannel, welcome: WelcomeMessage): void {
    this.channel = channel;
    if (this.phase === 'closed') {
      // Closed while the handler was welcoming it: it registered the worker, so it hears of the end.
      return this.call(() => this.o.handler.onDisconnect(channel, this.closeWhy));
    }
    const heartbeatMs = this.o.heartbeatMs ?? welcome.heartbeatMs;
    this.o.wire.send({ ...welcome, heartbeatMs });
    this.phase = 'welcomed';
    for (const message of this.early) this.o.wire.send(message);
    this.early = [];
    this.o.log.info(
      { remote: this.o.remote, worker: channel.name, instance: channel.instance },
      `worker ${channel.name} welcomed`,
    );
    this.timer = setInterval(() => {
      const silent = this.now() - this.lastHeard;
      if (silent > 3 * heartbeatMs) this.shut(CLOSE_SILENT, `nothing heard from the worker for ${silent} ms`);
      else this.o.wire.send({ type: 'heartbeat', t: this.now() });
    }, heartbeatMs);
  }

  private finish(reason: string, drained = false): void {
    if (this.phase === 'closed') return;
    const welcomed = this.phase === 'welcomed';
    this.phase = 'closed';
    this.closeWhy = reason;
    this.early = [];
    clearTimeout(this.timer);
    clearInterval(this.timer);
    const channel = this.channel;
    if (welcomed && channel) this.call(() => this.o.handler.onDisconnect(channel, reason, drained));
  }

  /** A handler bug must not take the link server down. */
  private call(fn: () => void): void {
    try {
      fn();
    } catch (e: unknown) {
      this.o.log.error(
        { remote: this.o.remote, error: e instanceof Error ? e.message : String(e) },
        'worker link handler failed',
      );
    }
  }
}
