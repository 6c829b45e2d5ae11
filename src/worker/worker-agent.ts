// The worker's side of the link protocol: runs each task at most once, streams output in a window, keeps results until acked.
import { randomBytes } from 'node:crypto';
import { PogoError, isPogoError } from '../model/index.ts';
import type { EnvelopeSecrets } from '../security/index.ts';
import { openBox, parseSealedBox } from '../security/index.ts';
import type { Target, Transport } from '../transport/index.ts';
import type { HeldTaskInfo, LinkConnection, WorkerAgentOptions, WorkerIdentity } from './agent-options.ts';
import type { LinkLogger } from './link-log.ts';
import { silentLinkLogger } from './link-log.ts';
import { withConnect } from './connect-target.ts';
import { LINK_PROTOCOL_VERSION, taskKeyString } from './link-protocol.ts';
import { OutputPump } from './output-pump.ts';
import type { DispatcherMessage, TaskKey, TaskMessage, WelcomeMessage } from './link-protocol.ts';
import { DEFAULT_HEARTBEAT_MS } from './link-rules.ts';
import { pogoVersion } from './pogo-version.ts';
import { runHostTask } from './run-host-task.ts';
import { resolveSecretRefs } from './secrets.ts';
import { StopGate } from './stop-gate.ts';
import type { StopOptions } from './stop-gate.ts';
import { failedResult, hostTaskOf, resultFields } from './task-message.ts';
import { TaskOutbox } from './task-outbox.ts';
import type { HostTaskResult } from './types.ts';

interface HeldTask {
  readonly key: TaskKey;
  readonly id: string;
  readonly outbox: TaskOutbox;
  readonly controller: AbortController;
  running: boolean;
}

interface Link {
  readonly conn: LinkConnection;
  welcomed: boolean;
  heartbeatMs: number;
  lastHeard: number;
  timer: NodeJS.Timeout | undefined;
}

/** Acknowledged task keys remembered so that a repeated `task` is still never run again. */
const DONE_MEMORY = 100_000;

/**
 * The protocol state machine of a worker, over whatever connection a driver opens. Tasks keep running
 * while no link is open; every reconnect says `hello` with what is held, resends the output the
 * dispatcher has not stored and then every unacknowledged result.
 */
export class WorkerAgent {
  readonly name: string;
  readonly instance: string;
  readonly capacity: number;
  private readonly transport: Transport;
  private readonly targetOf: (host: string) => Target;
  private readonly heartbeatMs: number;
  private readonly now: () => number;
  private readonly log: LinkLogger;
  private readonly identity: WorkerIdentity | undefined;
  private readonly secrets: ReadonlyMap<string, string>;
  private readonly tasks = new Map<string, HeldTask>();
  private readonly done = new Set<string>();
  private readonly output: OutputPump;
  private readonly gate: StopGate;
  private link: Link | undefined;
  private runningCount = 0;

  constructor(options: WorkerAgentOptions) {
    this.name = options.name;
    this.instance = options.instance ?? randomBytes(8).toString('hex');
    this.capacity = options.capacity;
    this.transport = options.transport;
    this.targetOf = options.targetOf;
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.output = new OutputPump(options.outputWindowBytes ?? 1 << 20);
    this.now = options.now ?? Date.now;
    this.log = options.log ?? silentLinkLogger;
    this.identity = options.identity;
    this.secrets = options.secrets ?? new Map();
    this.gate = new StopGate(
      () => this.tasks.size === 0,
      () => this.abortRunning(),
      () => this.onStopped(),
    );
  }

  /** Tasks running now. */
  get running(): number {
    return this.runningCount;
  }

  /** Every task held: running, or finished with an unacknowledged result. */
  get held(): HeldTaskInfo[] {
    return [...this.tasks.values()].map((t) => ({ ...t.key, state: t.running ? 'running' : 'finished' }));
  }

  /** True while a link is open and welcomed. */
  get welcomed(): boolean {
    return this.link?.welcomed === true;
  }

  /** True once {@link stop} has completed: drivers stop reconnecting. */
  get stopped(): boolean {
    return this.gate.done;
  }

  /**
   * Graceful stop: take no new task, resolve once every held result is acknowledged (or `timeoutMs`
   * passed; still-running tasks are then aborted). `force` aborts running tasks at once and waits at
   * most `timeoutMs` (default 2 s) for their results to be acknowledged. Idempotent; a later call may force.
   */
  stop(options: StopOptions = {}): Promise<void> {
    if (!this.gate.started) this.log.info({ running: this.runningCount }, 'stopping');
    return this.gate.stop(options);
  }

  /** A link opened: say hello with every held task. */
  onOpen(conn: LinkConnection): void {
    if (this.link) this.detach();
    if (this.gate.done) return conn.close('worker stopped');
    const link: Link = {
      conn,
      welcomed: false,
      heartbeatMs: this.heartbeatMs,
      lastHeard: this.now(),
      timer: undefined,
    };
    this.link = link;
    this.armTimer(link);
    conn.send({
      type: 'hello',
      protocol: LINK_PROTOCOL_VERSION,
      name: this.name,
      instance: this.instance,
      capacity: this.capacity,
      version: pogoVersion(),
      tasks: this.held,
    });
  }

  /** The link closed (either side). Running tasks go on. */
  onClose(): void {
    if (this.link) this.detach();
  }

  /** A validated message from the dispatcher. */
  onMessage(message: DispatcherMessage): void {
    const link = this.link;
    if (!link) return;
    link.lastHeard = this.now();
    if (!link.welcomed) {
      if (message.type === 'welcome') return this.onWelcome(link, message);
      if (message.type === 'heartbeat') return;
      return this.violation(link, `expected welcome, got ${message.type}`);
    }
    switch (message.type) {
      case 'welcome':
        return this.violation(link, 'a second welcome');
      case 'task':
        return this.onTask(message);
      case 'cancel': {
        const task = this.tasks.get(taskKeyString(message));
        if (!task?.running) return;
        this.log.info(
          { task: task.id, reason: message.reason },
          `task ${task.id} cancelled (${message.reason})`,
        );
        return task.controller.abort(message.reason);
      }
      case 'ack':
        return this.onAck(message);
      case 'output-ack': {
        const task = this.tasks.get(taskKeyString(message));
        if (!task) return;
        this.output.release(task.outbox.ack(message.seq));
        return this.pump();
      }
      case 'heartbeat':
        return;
    }
  }

  private onWelcome(link: Link, welcome: WelcomeMessage): void {
    if (welcome.protocol !== LINK_PROTOCOL_VERSION) {
      return this.violation(
        link,
        `dispatcher speaks link protocol ${welcome.protocol}, this worker ${LINK_PROTOCOL_VERSION}`,
      );
    }
    link.welcomed = true;
    link.heartbeatMs = welcome.heartbeatMs;
    const stored = new Map(welcome.outputAcked.map((a) => [taskKeyString(a), a.seq]));
    for (const task of this.tasks.values()) {
      task.outbox.resetForLink(stored.get(task.id) ?? -1);
      this.output.mark(task.outbox);
    }
    this.log.info(
      { dispatcher: welcome.dispatcher, held: this.tasks.size },
      `connected to dispatcher ${welcome.dispatcher} (${this.tasks.size} task(s) held)`,
    );
    this.armTimer(link);
    this.pump();
  }

  private onTask(message: TaskMessage): void {
    const id = taskKeyString(message);
    if (this.tasks.has(id) || this.done.has(id)) {
      return this.log.warn({ task: id }, `task ${id} again: ignored (a task runs at most once)`);
    }
    const key: TaskKey = { job: message.job, host: message.host, attempt: message.attempt };
    if (this.gate.started) {
      this.link?.conn.send({ type: 'refuse', ...key, reason: 'stopping' });
      return this.log.warn({ task: id }, `task ${id} refused: the worker is stopping`);
    }
    if (this.runningCount >= this.capacity) {
      this.link?.conn.send({ type: 'refuse', ...key, reason: 'capacity' });
      return this.log.error(
        { task: id, capacity: this.capacity },
        `task ${id} refused: beyond capacity ${this.capacity} (dispatcher protocol error)`,
      );
    }
    const task: HeldTask = {
      key,
      id,
      outbox: new TaskOutbox(key),
      controller: new AbortController(),
      running: true,
    };
    this.tasks.set(id, task);
    this.runningCount++;
    this.log.info({ task: id, sealed: message.envelope !== undefined }, `task ${id} started`);
    this.execute(task, message).catch((e: unknown) =>
      this.log.error({ task: id, error: String(e) }, `task ${id}: worker error`),
    );
  }

  private async execute(task: HeldTask, message: TaskMessage): Promise<void> {
    let result: HostTaskResult;
    try {
      const prepared = this.prepare(message);
      if ('failed' in prepared) {
        result = prepared.failed;
        this.log.warn(
          { task: task.id, errorCode: result.errorCode },
          `task ${task.id} not run: ${result.message}`,
        );
      } else {
        const { secrets, used, hostTask } = prepared;
        const target = withConnect(this.targetOf(message.host), message.connect);
        result = await runHostTask(this.transport, target, hostTask, {
          password: secrets.password,
          privateKey: secrets.sshKey,
          secrets: used,
          signal: task.controller.signal,
          now: this.now,
          onOutput: (chunk) => {
            task.outbox.add(chunk);
            this.output.mark(task.outbox);
            this.pump();
          },
        });
      }
    } catch (e: unknown) {
      result = failedResult(this.now(), `worker error: ${e instanceof Error ? e.message : String(e)}`);
    }
    task.running = false;
    this.runningCount--;
    task.outbox.finish(resultFields(task.key, result));
    this.log.info(
      { task: task.id, outcome: result.outcome, exitCode: result.exitCode, chunks: task.outbox.count },
      `task ${task.id} ended: ${result.outcome} (${result.message})`,
    );
    this.output.mark(task.outbox);
    this.pump();
  }

  /**
   * Open the task's password envelope and fill in `{{secret:NAME}}`; a failure of either fails the host
   * before anything runs on it (the message names the problem, never a secret).
   */
  private prepare(message: TaskMessage):
    | {
        readonly secrets: EnvelopeSecrets;
        readonly used: readonly string[];
        readonly hostTask: ReturnType<typeof hostTaskOf>;
      }
    | { readonly failed: HostTaskResult } {
    try {
      let secrets: EnvelopeSecrets = {};
      if (message.envelope !== undefined) {
        if (!this.identity) {
          throw new PogoError(
            'ENVELOPE_UNREADABLE',
            'the task carries a password envelope but this worker has no certificate key to open it',
          );
        }
        secrets = openBox(
          parseSealedBox(message.envelope),
          this.identity.privateKey,
          this.identity.fingerprint,
        );
      }
      const { task, used } = resolveSecretRefs(hostTaskOf(message), this.secrets);
      return { secrets, used, hostTask: task };
    } catch (e: unknown) {
      if (!isPogoError(e)) throw e;
      return { failed: { ...failedResult(this.now(), e.message), errorCode: e.code } };
    }
  }

  private onAck(key: TaskKey): void {
    const task = this.tasks.get(taskKeyString(key));
    if (!task) return;
    if (task.running) return this.log.warn({ task: task.id }, `ack for running task ${task.id}: ignored`);
    this.output.drop(task.outbox);
    this.tasks.delete(task.id);
    this.done.add(task.id);
    if (this.done.size > DONE_MEMORY) this.done.delete(this.done.values().next().value as string);
    this.pump();
    this.gate.check();
  }

  /** Send what the output window allows on the current link. */
  private pump(): void {
    const link = this.link;
    if (!link?.welcomed) return;
    this.output.pump(
      (message) => link.conn.send(message),
      () => this.link === link,
    );
  }

  private armTimer(link: Link): void {
    clearInterval(link.timer);
    link.timer = setInterval(() => {
      const silent = this.now() - link.lastHeard;
      if (silent > 3 * link.heartbeatMs) {
        this.violation(link, `nothing heard from the dispatcher for ${silent} ms`);
      } else if (link.welcomed) {
        link.conn.send({ type: 'heartbeat', t: this.now(), running: this.runningCount });
      }
    }, link.heartbeatMs);
  }

  /** Close the link over a problem; the driver reconnects. */
  private violation(link: Link, reason: string): void {
    this.log.warn({ reason }, `closing the link: ${reason}`);
    if (this.link === link) this.detach();
    link.conn.close(reason);
  }

  private detach(): void {
    clearInterval(this.link?.timer);
    this.link = undefined;
    this.output.reset();
  }

  private abortRunning(): void {
    for (const task of this.tasks.values()) if (task.running) task.controller.abort('shutdown');
  }

  private onStopped(): void {
    this.log.info({ held: this.tasks.size }, 'stopped');
    const link = this.link;
    if (link) {
      this.detach();
      link.conn.close('worker stopped');
    }
  }
}
