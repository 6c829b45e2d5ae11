// The dispatcher's side of the worker link protocol: hello and welcome, output, results, refusals, disconnects.
import { PogoError, isPogoError } from '../model/index.ts';
import type { Store } from '../store/index.ts';
import type {
  HelloMessage,
  OutputMessage,
  RefuseMessage,
  ResultMessage,
  TaskKey,
  WelcomeMessage,
} from '../worker/index.ts';
import { LINK_PROTOCOL_VERSION, taskKeyString } from '../worker/index.ts';
import type { JobBook } from './job-book.ts';
import type { Logger } from './logger.ts';
import type { DispatcherMetrics } from './metrics.ts';
import type { ProgressWriter } from './progress-writer.ts';
import type { Relay } from './relay.ts';
import type { WorkerSlot } from './task-board.ts';
import type { TaskDelivery } from './task-delivery.ts';
import type { WorkerCertificates } from './worker-certificates.ts';
import type { WorkerChannel, WorkerChannelHandler } from './worker-channel.ts';

/** Per-host output kept beyond the task's own cap before the dispatcher drops chunks (worker bug or hostile worker). */
const OUTPUT_SLACK = 64 * 1024;

/** What the link handling needs of its dispatcher. */
export interface WorkerMessagesHost {
  readonly isReady: boolean;
  schedulePump(): void;
}

export interface WorkerMessagesOptions {
  readonly store: Store;
  /** The jobs driven here. */
  readonly book: JobBook;
  readonly delivery: TaskDelivery;
  readonly writer: ProgressWriter;
  readonly metrics: DispatcherMetrics;
  readonly certificates: WorkerCertificates;
  readonly log: Logger;
  readonly now: () => number;
  /** The dispatcher's name, in welcomes. */
  readonly name: string;
  readonly heartbeatMs?: number | undefined;
  /** Several servers on one store: tasks handed between them (undefined on a store of one server). */
  readonly relay?: Relay | undefined;
}

/**
 * Messages from workers. A result is acknowledged only once stored (after the commit that holds it): for a
 * job driven here as the host's outcome, for a task carried here for another server in its relay row. A
 * result of another server's job that is not carried here is not acknowledged: the worker keeps it.
 */
export class WorkerMessages implements WorkerChannelHandler {
  /** Output bytes stored per task attempt (the per-host cap, with slack). */
  private readonly outputBytes = new Map<string, number>();

  constructor(
    private readonly o: WorkerMessagesOptions,
    private readonly host: WorkerMessagesHost,
  ) {}

  /** Forget the output count of a task (it ended or was dropped). */
  forgetOutput(key: string): void {
    this.outputBytes.delete(key);
  }

  /** Forget every output count (the dispatcher reloads its jobs). */
  clearOutput(): void {
    this.outputBytes.clear();
  }

  async onHello(channel: WorkerChannel, hello: HelloMessage): Promise<WelcomeMessage> {
    if (!this.host.isReady)
      throw new PogoError('WORKER_CONNECT_FAILED', 'the dispatcher is starting; try again');
    const board = this.o.delivery.board;
    const w = board.connect(channel, this.o.now());
    try {
      this.o.certificates.register(channel);
      await this.takeHeld(w, hello);
      const outputAcked: WelcomeMessage['outputAcked'] = [];
      for (const t of hello.tasks) {
        const seq = await this.o.store.lastOutputSeq(t.job, t.host, t.attempt);
        outputAcked.push({ job: t.job, host: t.host, attempt: t.attempt, seq });
      }
      // Tasks handed to this worker that it does not hold never reached it: hand them out again.
      const held = new Set(hello.tasks.map((t) => taskKeyString(t)));
      for (const ref of board.tasksOf(w.instance)) {
        if (held.has(ref.key)) continue;
        if (ref.carried && ref.sent) this.o.relay?.carrier.refused(ref);
        else if (ref.sent) this.o.delivery.requeue(ref, `worker ${w.name} reconnected without it`);
        else setImmediate(() => this.o.delivery.trySend(ref));
      }
      this.o.log.info({ worker: w.name, instance: w.instance, remote: channel.remote }, 'worker connected');
      this.host.schedulePump();
      return {
        type: 'welcome',
        protocol: LINK_PROTOCOL_VERSION,
        dispatcher: this.o.name,
        heartbeatMs: this.o.heartbeatMs ?? 5000,
        outputAcked,
      };
    } catch (e: unknown) {
      // Refused: the link closes without a welcome, so no disconnect follows; the slot must not stay connected.
      this.onDisconnect(channel, 'hello not answered');
      throw e;
    }
  }

  /**
   * The tasks a worker says it holds. One of a job driven here that was on the relay is this server's again
   * (the worker's link moved here); one of a job another server drives is carried here from now on, so its
   * output and result reach the owner through the store.
   */
  private async takeHeld(w: WorkerSlot, hello: HelloMessage): Promise<void> {
    const board = this.o.delivery.board;
    const foreign: TaskKey[] = [];
    for (const t of hello.tasks) {
      const ref = board.task(t);
      if (this.o.book.has(t.job)) {
        if (ref?.relay !== undefined) this.o.relay?.outbox.reclaim(ref, w);
      } else if (ref?.worker !== w.instance) foreign.push(t);
    }
    if (foreign.length > 0) await this.o.relay?.carrier.adopt(w, foreign);
  }

  onSeen(channel: WorkerChannel): void {
    const w = this.o.delivery.board.worker(channel.instance);
    if (w) w.lastSeenAt = this.o.now();
  }

  onOutput(channel: WorkerChannel, m: OutputMessage): void {
    const ack = (): void =>
      channel.send({ type: 'output-ack', job: m.job, host: m.host, attempt: m.attempt, seq: m.seq });
    const cap = this.outputCapOf(m);
    if (cap === undefined) return void this.o.writer.afterCommit(ack);
    const data = Buffer.from(m.data, 'base64');
    const key = taskKeyString(m);
    const used = this.outputBytes.get(key) ?? 0;
    if (used + data.length <= cap + OUTPUT_SLACK) {
      this.outputBytes.set(key, used + data.length);
      this.o.writer.addOutput({
        jobId: m.job,
        host: m.host,
        attempt: m.attempt,
        seq: m.seq,
        t: m.t,
        stream: m.stream,
        source: m.source,
        data,
      });
    }
    this.o.writer.afterCommit((err) => {
      if (err === undefined) ack();
    });
  }

  /** The output cap of a task driven or carried here; undefined for output of any other task (dropped). */
  private outputCapOf(m: OutputMessage): number | undefined {
    const d = this.o.book.get(m.job);
    if (d) return d.record.options.task.outputCapBytes;
    if (this.o.delivery.board.task(m)?.carried) return this.o.relay?.carrier.outputCapOf(m.job);
    return undefined;
  }

  onResult(channel: WorkerChannel, m: ResultMessage): void {
    const ack = (err?: unknown): void => {
      if (err === undefined) channel.send({ type: 'ack', job: m.job, host: m.host, attempt: m.attempt });
    };
    const ref = this.o.delivery.board.task(m);
    const d = this.o.book.get(m.job);
    if (!d && ref?.carried && this.o.relay) {
      this.outputBytes.delete(ref.key);
      this.o.relay.carrier.result(ref, m);
      return void this.o.writer.afterCommit(ack);
    }
    if (!d) return void this.resultOfOtherJob(m, ack);
    if (!ref || d.rollout.hostState(m.host) !== 'running' || d.attemptOf(m.host) !== m.attempt) {
      // Already recorded (a resend after a reconnect), or the host was given up as lost: just confirm.
      return void this.o.writer.afterCommit(ack);
    }
    this.o.delivery.board.remove(ref);
    this.outputBytes.delete(ref.key);
    this.o.metrics.finished(m.outcome, (m.endedAt - m.startedAt) / 1000);
    this.o.book.endHost(d, m.host, m.outcome, {
      exitCode: m.exitCode,
      signal: m.signal,
      message: m.message,
      errorCode: m.errorCode,
      startedAt: m.startedAt,
      endedAt: m.endedAt,
      truncated: m.truncated,
    });
    this.o.writer.afterCommit(ack);
  }

  /**
   * A result of a job not driven here: confirmed when the store already has the host's outcome (a resend),
   * else kept by the worker (no ack), since the job's owner still waits for it.
   */
  private resultOfOtherJob(m: ResultMessage, ack: (err?: unknown) => void): void {
    this.o.store.getHost(m.job, m.host).then(
      (h) => {
        if (h.state === 'running' && h.attempt === m.attempt) {
          this.o.log.warn(
            { job: m.job, host: m.host, attempt: m.attempt },
            'result of a job another server drives: the worker keeps it for that server',
          );
        } else this.o.writer.afterCommit(ack);
      },
      (e: unknown) => {
        if (isPogoError(e, 'STORE_NOT_FOUND')) this.o.writer.afterCommit(ack);
        else this.o.log.warn({ err: e, job: m.job }, 'cannot check a result of another job; not confirmed');
      },
    );
  }

  onRefuse(channel: WorkerChannel, m: RefuseMessage): void {
    this.o.delivery.refuse(channel, m);
  }

  onDisconnect(channel: WorkerChannel, reason: string, drained = false): void {
    const w = this.o.delivery.board.disconnect(channel);
    this.o.log.info({ worker: channel.name, reason }, 'worker disconnected');
    if (!w) return;
    // A worker that stopped holding nothing never ran what it did not answer: elsewhere at once, not `lost`.
    if (drained) this.o.delivery.returnAll(w, `worker ${w.name} stopped before it got it`);
    else this.o.delivery.armGrace(w);
  }
}
