// The embedded worker's link: the same protocol in one process, with a real agent running real commands.
import { afterAll, describe, expect, it } from 'vitest';
import { RecordingHandler, taskMessage, until } from '../../test/support/link-harness.ts';
import { createLocalTransport } from '../transport/index.ts';
import { WorkerAgent } from '../worker/index.ts';
import { connectInProcess } from './in-process-link.ts';

const transport = createLocalTransport({ killGraceMs: 200 });
afterAll(() => transport.close());

function agent(): WorkerAgent {
  return new WorkerAgent({ name: 'embedded', capacity: 2, transport, targetOf: (host) => ({ host }) });
}

describe('connectInProcess', () => {
  it('says hello, runs a task, delivers output and result, and reports the disconnect once', async () => {
    const handler = new RecordingHandler();
    const worker = agent();
    const link = connectInProcess(worker, handler, { dispatcherName: 'd1' });
    try {
      await until(() => worker.welcomed, 5_000, 'welcome');
      expect(handler.channel?.remote).toBe('in-process');
      expect(handler.hellos[0]?.hello).toMatchObject({ name: 'embedded', capacity: 2, tasks: [] });
      handler.channel?.send(taskMessage('h1', 'echo one; echo two >&2; exit 4'));
      await until(() => handler.results.length === 1 && worker.held.length === 0, 10_000, 'result acked');
      expect(handler.outputs.map((o) => o.seq)).toEqual([...handler.outputs.keys()]);
      expect(handler.results[0]).toMatchObject({ outcome: 'failed', exitCode: 4 });
      expect(handler.results[0]?.chunks).toBe(handler.outputs.length);
    } finally {
      link.close();
      link.close();
      await worker.stop({ force: true, timeoutMs: 0 });
    }
    await until(() => handler.disconnects.length === 1, 2_000, 'disconnect');
    expect(worker.welcomed).toBe(false);
  });

  it('reopens the link when the handler refuses the first hello', async () => {
    const handler = new RecordingHandler();
    let refusals = 1;
    const onHello = handler.onHello.bind(handler);
    handler.onHello = (channel, hello) =>
      refusals-- > 0 ? Promise.reject(new Error('starting; try again')) : onHello(channel, hello);
    const worker = agent();
    const link = connectInProcess(worker, handler, { dispatcherName: 'd1' });
    try {
      await until(() => worker.welcomed, 5_000, 'welcome after a refusal');
      expect(handler.hellos).toHaveLength(1);
      expect(handler.disconnects).toHaveLength(0);
    } finally {
      link.close();
      await worker.stop({ force: true, timeoutMs: 0 });
    }
  });
});
