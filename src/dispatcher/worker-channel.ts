// The dispatcher's side of a worker link, whatever carries it (WebSocket over TLS, or in-process for the embedded worker).
import type {
  DispatcherMessage,
  HelloMessage,
  OutputMessage,
  RefuseMessage,
  ResultMessage,
  WelcomeMessage,
} from '../worker/index.ts';

/** A worker's TLS client certificate, as the worker port admitted it. */
export interface LinkCertificate {
  /** The certificate, PEM. */
  readonly pem: string;
  /** SHA-256 fingerprint, colon-separated upper-case hex (as `X509Certificate.fingerprint256`). */
  readonly fingerprint256: string;
}

/** One connected worker as the dispatcher talks to it. */
export interface WorkerChannel {
  /** The worker process's random id (from `hello`). */
  readonly instance: string;
  readonly name: string;
  readonly capacity: number;
  /** Remote address (`127.0.0.1:51234`, `in-process`). */
  readonly remote: string;
  /** The worker certificate the link was admitted with (TLS links; none in-process or over plain ws://). */
  readonly certificate?: LinkCertificate | undefined;
  /** Queue a message; never throws (a closed channel drops it: the worker resends what matters on reconnect). */
  send(message: DispatcherMessage): void;
  /** Close the link (protocol violation, shutdown). */
  close(reason: string): void;
}

/** What a link server calls; implemented by the dispatcher. */
export interface WorkerChannelHandler {
  /** A worker said hello (already validated). Resolve with the welcome to send; reject to refuse it. */
  onHello(channel: WorkerChannel, hello: HelloMessage): Promise<WelcomeMessage>;
  /** Output or a result from a welcomed worker (already validated). */
  onOutput(channel: WorkerChannel, message: OutputMessage): void;
  onResult(channel: WorkerChannel, message: ResultMessage): void;
  /** The worker will not run a task it was sent (stopping, or full): it never started. */
  onRefuse(channel: WorkerChannel, message: RefuseMessage): void;
  /** Any message, heartbeats included: the worker is alive. */
  onSeen(channel: WorkerChannel): void;
  /**
   * The link closed (either side, any reason). Called once per welcomed channel. `drained`: the worker
   * stopped holding nothing (close code 4001), so tasks sent to it and not answered never ran.
   */
  onDisconnect(channel: WorkerChannel, reason: string, drained?: boolean): void;
}
