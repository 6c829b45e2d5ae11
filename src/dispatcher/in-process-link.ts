// The embedded worker of `pogo server`: the worker link protocol without a socket, messages delivered asynchronously.
import type { LinkLogger, WorkerAgent } from '../worker/index.ts';
import { backoffDelay, silentLinkLogger } from '../worker/index.ts';
import { LinkSession } from './link-session.ts';
import type { WorkerChannelHandler, LinkCertificate } from './worker-channel.ts';

/** Options of {@link connectInProcess}. */
export interface InProcessLinkOptions {
  /** This dispatcher's name, for logs. */
  readonly dispatcherName: string;
  /** The embedded worker's certificate: password envelopes are sealed to it. */
  readonly certificate?: LinkCertificate | undefined;
  /** Heartbeat interval both ways (default: what the handler's welcome says). */
  readonly heartbeatMs?: number | undefined;
  readonly log?: LinkLogger | undefined;
}

/** A running in-process link. */
export interface InProcessLink {
  /** Close the link and stop reconnecting; idempotent. */
  close(): void;
}

/**
 * Connect `agent` to `handler` in this process, with exactly the socket protocol's sequence (hello,
 * welcome, heartbeats, acks) and order, each message delivered in a later microtask (no JSON round
 * trip: both sides treat messages as read-only). A link closed by either side is reopened with the
 * socket client's backoff, until {@link InProcessLink.close} or the agent has stopped. remote = `in-process`.
 */
export function connectInProcess(
  agent: WorkerAgent,
  handler: WorkerChannelHandler,
  options: InProcessLinkOptions,
): InProcessLink {
  const log = options.log ?? silentLinkLogger;
  let closed = false;
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;
  let end: ((reason: string) => void) | undefined;

  const connect = (): void => {
    retry = undefined;
    if (closed || agent.stopped) return;
    let open = true;
    let welcomed = false;
    const session = new LinkSession({
      remote: 'in-process',
      certificate: options.certificate,
      handler,
      heartbeatMs: options.heartbeatMs,
      log,
      wire: {
        send: (message) => {
          if (!open) return;
          queueMicrotask(() => {
            if (!open) return;
            agent.onMessage(message);
            welcomed ||= agent.welcomed;
          });
        },
        close: (_code, reason) => end?.(reason),
      },
    });
    const finish = (reason: string): void => {
      if (!open) return;
      open = false;
      end = undefined;
      queueMicrotask(() => {
        session.ended(reason);
        agent.onClose();
        failures = welcomed ? 1 : failures + 1;
        if (closed || agent.stopped) return;
        log.warn({ dispatcher: options.dispatcherName, reason }, `in-process worker link closed: ${reason}`);
        retry = setTimeout(connect, backoffDelay(failures));
      });
    };
    end = finish;
    agent.onOpen({
      send: (message) => {
        if (!open) return;
        queueMicrotask(() => {
          if (open) session.receive(message);
        });
      },
      close: (reason) => finish(reason),
    });
  };

  connect();
  return {
    close: () => {
      if (closed) return;
      closed = true;
      clearTimeout(retry);
      end?.('in-process link closed');
    },
  };
}
