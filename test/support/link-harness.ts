// Helpers of the worker-link tests: a recording WorkerChannelHandler, a recording logger, task messages, polling.
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkerChannel, WorkerChannelHandler } from '../../src/dispatcher/index.ts';
import type {
  HelloMessage,
  LinkLogger,
  OutputMessage,
  ResultMessage,
  RefuseMessage,
  TaskMessage,
  WelcomeMessage,
} from '../../src/worker/index.ts';
import { LINK_PROTOCOL_VERSION, taskKeyString } from '../../src/worker/index.ts';

/** Records what arrives; acknowledges output and results (unless `autoAck` is off); remembers stored seqs. */
export class RecordingHandler implements WorkerChannelHandler {
  readonly hellos: { channel: WorkerChannel; hello: HelloMessage }[] = [];
  readonly outputs: OutputMessage[] = [];
  readonly results: ResultMessage[] = [];
  readonly refusals: RefuseMessage[] = [];
  readonly disconnects: string[] = [];
  seen = 0;
  autoAck = true;
  heartbeatMs = 5_000;
  /** Highest output seq stored per task key (what the welcome reports). */
  private readonly stored = new Map<string, number>();

  /** The channel of the latest hello. */
  get channel(): WorkerChannel | undefined {
    return this.hellos.at(-1)?.channel;
  }

  onHello(channel: WorkerChannel, hello: HelloMessage): Promise<WelcomeMessage> {
    this.hellos.push({ channel, hello });
    return Promise.resolve({
      type: 'welcome',
      protocol: LINK_PROTOCOL_VERSION,
      dispatcher: 'test-dispatcher',
      heartbeatMs: this.heartbeatMs,
      outputAcked: hello.tasks.map((t) => ({
        job: t.job,
        host: t.host,
        attempt: t.attempt,
        seq: this.stored.get(taskKeyString(t)) ?? -1,
      })),
    });
  }

  onOutput(channel: WorkerChannel, m: OutputMessage): void {
    this.outputs.push(m);
    this.stored.set(taskKeyString(m), m.seq);
    channel.send({ type: 'output-ack', job: m.job, host: m.host, attempt: m.attempt, seq: m.seq });
  }

  onRefuse(_channel: WorkerChannel, m: RefuseMessage): void {
    this.refusals.push(m);
  }

  onResult(channel: WorkerChannel, m: ResultMessage): void {
    this.results.push(m);
    if (this.autoAck) channel.send({ type: 'ack', job: m.job, host: m.host, attempt: m.attempt });
  }

  onSeen(): void {
    this.seen++;
  }

  onDisconnect(_channel: WorkerChannel, reason: string): void {
    this.disconnects.push(reason);
  }

  /** Everything the handler was told, for "never called" checks. */
  get calls(): number {
    return (
      this.hellos.length + this.outputs.length + this.results.length + this.seen + this.disconnects.length
    );
  }

  /** The text of all output received for `host`. */
  text(host: string): string {
    return this.outputs
      .filter((o) => o.host === host)
      .map((o) => Buffer.from(o.data, 'base64').toString())
      .join('');
  }
}

/** A logger keeping `level message` lines. */
export function recordingLogger(): LinkLogger & { readonly lines: string[] } {
  const lines: string[] = [];
  const at =
    (level: string) =>
    (fields: Record<string, unknown>, message: string): void =>
      void lines.push(`${level} ${message} ${JSON.stringify(fields)}`);
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A `task` message for job j1 running `command` on `host` (no hooks). */
export function taskMessage(host: string, command: string): TaskMessage {
  return {
    type: 'task',
    job: 'j1',
    host,
    attempt: 1,
    namespace: 'ns',
    spec: {
      command,
      hooks: { pre: false, post: false, preDir: '/none', postDir: '/none', inlinePre: [], inlinePost: [] },
      timeoutMs: 30_000,
      retries: 0,
      retryDelayMs: 0,
      outputCapBytes: 1 << 20,
    },
  };
}

/** Poll `check` every 10 ms until it holds; fail after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what}: not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}
