// What a WorkerAgent is built from and what it exposes: options, the connection a driver gives it, held tasks.
import type { KeyObject } from 'node:crypto';
import type { Target, Transport } from '../transport/index.ts';
import type { LinkLogger } from './link-log.ts';
import type { TaskKey, WorkerMessage } from './link-protocol.ts';

/** One open link as the agent sees it; the driver (WebSocket, in-process) implements it. Neither method throws. */
export interface LinkConnection {
  send(message: WorkerMessage): void;
  close(reason: string): void;
}

/** Options of a `WorkerAgent`. */
export interface WorkerAgentOptions {
  /** Stable worker name (the host name by default, chosen by the caller). */
  readonly name: string;
  /** Random id of this worker process (default: 16 random hex digits). */
  readonly instance?: string | undefined;
  /** Tasks run at once at most, announced in `hello`. */
  readonly capacity: number;
  readonly transport: Transport;
  readonly targetOf: (host: string) => Target;
  /** Heartbeat interval until the welcome gives the dispatcher's; no welcome within 3× closes the link. Default 5 s. */
  readonly heartbeatMs?: number | undefined;
  /** Output bytes sent and not yet acknowledged, per link (default 1 MiB): the backpressure window. */
  readonly outputWindowBytes?: number | undefined;
  readonly now?: (() => number) | undefined;
  readonly log?: LinkLogger | undefined;
  /** The worker's certificate key and fingerprint: password envelopes of tasks are opened with it. */
  readonly identity?: WorkerIdentity | undefined;
  /** Values for `{{secret:NAME}}` in commands (from `--secrets DIR`); never sent anywhere. */
  readonly secrets?: ReadonlyMap<string, string> | undefined;
}

/** The key a worker opens password envelopes with (its certificate's). */
export interface WorkerIdentity {
  readonly privateKey: KeyObject;
  /** fingerprint256 of its certificate (envelope boxes are addressed by it). */
  readonly fingerprint: string;
}

/** A task the worker holds: still running, or finished with a result not yet acknowledged. */
export interface HeldTaskInfo extends TaskKey {
  readonly state: 'running' | 'finished';
}
