// Hand-driven worker channels for dispatcher tests: what the dispatcher sends is recorded, hellos and results are made here.
import type { Dispatcher, WorkerChannel } from '../../src/dispatcher/index.ts';
import type { DispatcherMessage, TaskMessage } from '../../src/worker/index.ts';
import { LINK_PROTOCOL_VERSION } from '../../src/worker/index.ts';

/** A channel that records every message its dispatcher sends. */
export type RecordingChannel = WorkerChannel & { sent: DispatcherMessage[] };

/** A worker channel driven by the test. */
export function channel(instance: string, capacity: number): RecordingChannel {
  const sent: DispatcherMessage[] = [];
  return {
    instance,
    name: instance,
    capacity,
    remote: 'test',
    sent,
    send: (m) => void sent.push(m),
    close: () => undefined,
  };
}

/** The tasks a channel was sent, in order. */
export const tasks = (c: { sent: DispatcherMessage[] }): TaskMessage[] =>
  c.sent.filter((m): m is TaskMessage => m.type === 'task');

/** Say hello on `c` to `d`, holding `held`. */
export async function hello(
  d: Dispatcher,
  c: WorkerChannel,
  held: { job: string; host: string; attempt: number; state: 'running' | 'finished' }[] = [],
) {
  return d.onHello(c, {
    type: 'hello',
    protocol: LINK_PROTOCOL_VERSION,
    name: c.name,
    instance: c.instance,
    capacity: c.capacity,
    version: 'test',
    tasks: held,
  });
}

/** A worker's result for `host` of `job` at `attempt`. */
export function result(
  job: string,
  host: string,
  attempt: number,
  outcome: 'succeeded' | 'failed' = 'succeeded',
) {
  return {
    type: 'result' as const,
    job,
    host,
    attempt,
    outcome,
    exitCode: outcome === 'succeeded' ? 0 : 1,
    signal: null,
    startedAt: 1,
    endedAt: 2,
    attempts: 1,
    message: outcome === 'succeeded' ? 'ok' : 'exit 1',
    truncated: false,
    chunks: 0,
  };
}
