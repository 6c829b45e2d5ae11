// WorkerAgent over an in-test connection, running real commands with the local transport.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLocalTransport } from '../transport/index.ts';
import type { Target, Transport } from '../transport/index.ts';
import type { DispatcherMessage, TaskMessage, WorkerMessage } from './link-protocol.ts';
import { LINK_PROTOCOL_VERSION, dispatcherMessageSchema } from './link-protocol.ts';
import type { LinkConnection, WorkerIdentity } from './agent-options.ts';
import { workerIdentity } from './identity.ts';
import { sealEnvelope } from '../security/index.ts';
import type { X509Certificate } from 'node:crypto';
import { memoryWorkerCert } from '../../test/support/certs.ts';
import { WorkerAgent } from './worker-agent.ts';

const transport = createLocalTransport({ killGraceMs: 200 });
const agents: WorkerAgent[] = [];
afterEach(async () => {
  for (const agent of agents.splice(0)) {
    await agent.stop({ force: true, timeoutMs: 0 });
    agent.onClose();
    await until(() => agent.running === 0);
  }
});
afterAll(() => transport.close());

type Of<T extends WorkerMessage['type']> = Extract<WorkerMessage, { type: T }>;

/** A connection that records what the agent sends. */
class FakeConn implements LinkConnection {
  readonly sent: WorkerMessage[] = [];
  closed: string | undefined;
  send(message: WorkerMessage): void {
    this.sent.push(message);
  }
  close(reason: string): void {
    this.closed = reason;
  }
  of<T extends WorkerMessage['type']>(type: T): Of<T>[] {
    return this.sent.filter((m): m is Of<T> => m.type === type);
  }
  text(): string {
    return this.of('output')
      .map((o) => Buffer.from(o.data, 'base64').toString())
      .join('');
  }
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}

function makeAgent(
  options: {
    capacity?: number;
    outputWindowBytes?: number;
    heartbeatMs?: number;
    identity?: WorkerIdentity;
    secrets?: Map<string, string>;
    transport?: Transport;
  } = {},
) {
  const agent = new WorkerAgent({
    identity: options.identity,
    secrets: options.secrets,
    name: 'w1',
    capacity: options.capacity ?? 10,
    transport: options.transport ?? transport,
    targetOf: (host) => ({ host }),
    outputWindowBytes: options.outputWindowBytes,
    heartbeatMs: options.heartbeatMs,
  });
  agents.push(agent);
  return agent;
}

const key = (host: string, attempt = 1) => ({ job: 'j1', host, attempt });

function task(host: string, command: string, attempt = 1): TaskMessage {
  return {
    type: 'task',
    ...key(host, attempt),
    namespace: 'ns',
    spec: {
      command,
      hooks: { pre: false, post: false, preDir: '/none', postDir: '/none', inlinePre: [], inlinePost: [] },
      timeoutMs: 20_000,
      retries: 0,
      retryDelayMs: 0,
      outputCapBytes: 1 << 20,
    },
  };
}

/** Open a link on `agent` and welcome it; `outputAcked` as the dispatcher would say. */
function connect(
  agent: WorkerAgent,
  outputAcked: { job: string; host: string; attempt: number; seq: number }[] = [],
  heartbeatMs = 60_000,
): FakeConn {
  const conn = new FakeConn();
  agent.onOpen(conn);
  const welcome: DispatcherMessage = {
    type: 'welcome',
    protocol: LINK_PROTOCOL_VERSION,
    dispatcher: 'd1',
    heartbeatMs,
    outputAcked,
  };
  agent.onMessage(welcome);
  return conn;
}

describe('WorkerAgent', () => {
  it('connects where the task’s connect settings say, keeping the host’s name', async () => {
    const opened: Target[] = [];
    const recording: Transport = { ...transport, open: (t, o) => (opened.push(t), transport.open(t, o)) };
    const agent = makeAgent({ transport: recording });
    const conn = connect(agent);
    const connectTo = { address: '127.0.0.1', port: 2222, user: 'deploy' };
    agent.onMessage({ ...task('web01.example.com', 'echo $POGO_HOST'), connect: connectTo });
    agent.onMessage(task('plain', 'true'));
    await until(() => conn.of('result').length === 2);
    expect(opened).toEqual([
      { host: 'web01.example.com', hostname: '127.0.0.1', port: 2222, user: 'deploy' },
      { host: 'plain' },
    ]);
    expect(conn.text()).toBe('web01.example.com\n');
  });

  it('refuses task messages whose connect settings could be read as ssh options', () => {
    const ok = { ...task('h', 'true'), connect: { address: 'db1.internal', port: 22 } };
    expect(dispatcherMessageSchema.safeParse(ok).success).toBe(true);
    for (const connect of [
      { user: '-oProxyCommand=x' },
      { address: 'a b' },
      { port: 70000 },
      { host: 'x' },
    ]) {
      expect(dispatcherMessageSchema.safeParse({ ...ok, connect }).success, JSON.stringify(connect)).toBe(
        false,
      );
    }
  });

  it('runs a task and reports its output, then its result', async () => {
    const agent = makeAgent();
    const conn = connect(agent);
    expect(conn.sent[0]).toMatchObject({ type: 'hello', name: 'w1', capacity: 10, tasks: [] });
    agent.onMessage(task('h1', 'echo hi; exit 3'));
    await until(() => conn.of('result').length === 1);
    expect(conn.text()).toBe('hi\n');
    expect(conn.of('output')[0]).toMatchObject({ ...key('h1'), seq: 0, stream: 'stdout', source: 'command' });
    expect(conn.of('result')[0]).toMatchObject({
      outcome: 'failed',
      exitCode: 3,
      message: 'exit 3',
      chunks: 1,
    });
    expect(conn.sent.at(-1)?.type).toBe('result');
    expect(agent.held).toEqual([{ ...key('h1'), state: 'finished' }]);
    agent.onMessage({ type: 'ack', ...key('h1') });
    expect(agent.held).toEqual([]);
  });

  it('ignores a duplicate task, while running and after its ack', async () => {
    const agent = makeAgent();
    const conn = connect(agent);
    agent.onMessage(task('h1', 'sleep 0.2; echo once'));
    agent.onMessage(task('h1', 'sleep 0.2; echo once'));
    expect(agent.running).toBe(1);
    await until(() => conn.of('result').length === 1);
    agent.onMessage(task('h1', 'echo again'));
    agent.onMessage({ type: 'ack', ...key('h1') });
    agent.onMessage(task('h1', 'echo again'));
    expect(agent.running).toBe(0);
    await sleep(200);
    expect(conn.text()).toBe('once\n');
    expect(conn.of('result')).toHaveLength(1);
  });

  it('never runs more tasks than its capacity, and refuses the extra one so the dispatcher places it elsewhere', async () => {
    const agent = makeAgent({ capacity: 1 });
    const conn = connect(agent);
    agent.onMessage(task('h1', 'sleep 0.3'));
    agent.onMessage(task('h2', 'echo ran'));
    expect(agent.running).toBe(1);
    expect(agent.held.map((t) => t.host)).toEqual(['h1']);
    await until(() => conn.of('result').length === 1);
    await sleep(100);
    expect(conn.of('result').map((r) => r.host)).toEqual(['h1']);
    expect(conn.of('refuse')).toEqual([{ type: 'refuse', ...key('h2'), reason: 'capacity' }]);
    expect(conn.text()).toBe('');
  });

  it('cancel aborts the task: killed by operator', async () => {
    const agent = makeAgent();
    const conn = connect(agent);
    agent.onMessage(task('h1', 'sleep 10'));
    await sleep(50);
    agent.onMessage({ type: 'cancel', ...key('h1'), reason: 'killed' });
    await until(() => conn.of('result').length === 1);
    expect(conn.of('result')[0]).toMatchObject({ outcome: 'failed', message: 'killed by operator' });
  });

  it('stops sending output at the window and resumes on output-ack; the result comes last', async () => {
    const agent = makeAgent({ outputWindowBytes: 1000 });
    const conn = connect(agent);
    const line = "head -c 600 /dev/zero | tr '\\0' a; sleep 0.1";
    agent.onMessage(task('h1', `${line}; ${line}; ${line}; ${line}`));
    await until(() => agent.held[0]?.state === 'finished');
    expect(conn.of('output')).toHaveLength(1);
    expect(conn.of('result')).toHaveLength(0);
    let acked = -1;
    while (conn.of('result').length === 0) {
      const outputs = conn.of('output');
      const unacked = outputs.filter((o) => o.seq > acked);
      const bytes = unacked.reduce((n, o) => n + Buffer.from(o.data, 'base64').length, 0);
      expect(unacked.length === 1 || bytes <= 1000).toBe(true);
      acked = outputs.at(-1)?.seq ?? acked;
      agent.onMessage({ type: 'output-ack', ...key('h1'), seq: acked });
    }
    const result = conn.of('result')[0];
    expect(conn.text()).toBe('a'.repeat(2400));
    expect(result?.chunks).toBe(conn.of('output').length);
    expect(conn.of('output').map((o) => o.seq)).toEqual([...Array(result?.chunks ?? 0).keys()]);
  });

  it('resends a result after every reconnect until it is acknowledged', async () => {
    const agent = makeAgent();
    const first = connect(agent);
    agent.onMessage(task('h1', 'echo a'));
    await until(() => first.of('result').length === 1);
    for (let i = 0; i < 2; i++) {
      agent.onClose();
      const again = connect(agent, [{ ...key('h1'), seq: 0 }]);
      expect(again.of('hello')[0]?.tasks).toEqual([{ ...key('h1'), state: 'finished' }]);
      expect(again.of('output')).toHaveLength(0);
      expect(again.of('result')).toMatchObject([{ ...key('h1'), outcome: 'succeeded', chunks: 1 }]);
    }
    agent.onMessage({ type: 'ack', ...key('h1') });
    agent.onClose();
    const last = connect(agent);
    expect(last.of('hello')[0]?.tasks).toEqual([]);
    expect(last.of('result')).toHaveLength(0);
  });

  it('hello lists every held task, running or finished; tasks run on while disconnected', async () => {
    const agent = makeAgent();
    connect(agent);
    agent.onMessage(task('h1', 'sleep 10'));
    agent.onMessage(task('h2', 'echo done'));
    await until(() => agent.held.some((t) => t.host === 'h2' && t.state === 'finished'));
    agent.onClose();
    agent.onMessage(task('h3', 'echo ignored while closed'));
    const conn = new FakeConn();
    agent.onOpen(conn);
    expect(conn.sent).toHaveLength(1);
    expect(conn.of('hello')[0]?.tasks).toEqual([
      { ...key('h1'), state: 'running' },
      { ...key('h2'), state: 'finished' },
    ]);
  });

  it("resends output from the seq after the welcome's outputAcked", async () => {
    const agent = makeAgent();
    const first = connect(agent);
    agent.onMessage(task('h1', 'echo 1; sleep 0.1; echo 2; sleep 0.1; echo 3'));
    await until(() => first.of('result').length === 1);
    expect(first.of('output').map((o) => o.seq)).toEqual([0, 1, 2]);
    agent.onClose();
    const again = connect(agent, [{ ...key('h1'), seq: 1 }]);
    expect(again.of('output').map((o) => [o.seq, Buffer.from(o.data, 'base64').toString()])).toEqual([
      [2, '3\n'],
    ]);
    expect(again.sent.at(-1)).toMatchObject({ type: 'result', chunks: 3 });
  });

  it('closes a link that sends a task before its welcome, or goes silent', async () => {
    const agent = makeAgent({ heartbeatMs: 30 });
    const early = new FakeConn();
    agent.onOpen(early);
    agent.onMessage(task('h1', 'echo no'));
    expect(early.closed).toMatch(/expected welcome, got task/);
    expect(agent.running).toBe(0);
    const quiet = connect(agent, [], 30);
    await until(() => quiet.closed !== undefined);
    expect(quiet.closed).toMatch(/nothing heard from the dispatcher/);
    expect(quiet.of('heartbeat').length).toBeGreaterThan(0);
  });

  it('stop waits for every result to be acknowledged; force kills running tasks', async () => {
    const agent = makeAgent();
    const conn = connect(agent);
    agent.onMessage(task('h1', 'sleep 0.2; echo finished'));
    let stopped = false;
    const stopping = agent.stop().then(() => (stopped = true));
    agent.onMessage(task('h2', 'echo refused'));
    await until(() => conn.of('result').length === 1);
    await sleep(50);
    expect(stopped).toBe(false);
    agent.onMessage({ type: 'ack', ...key('h1') });
    await stopping;
    expect(agent.stopped).toBe(true);
    expect(conn.closed).toBe('worker stopped');
    expect(conn.of('result').map((r) => r.host)).toEqual(['h1']);
    expect(conn.of('refuse')).toEqual([{ type: 'refuse', ...key('h2'), reason: 'stopping' }]);

    const other = makeAgent();
    const link = connect(other);
    other.onMessage(task('h1', 'sleep 10'));
    await sleep(50);
    const forced = other.stop({ force: true, timeoutMs: 5_000 });
    await until(() => link.of('result').length === 1);
    expect(link.of('result')[0]?.message).toBe('killed by operator');
    other.onMessage({ type: 'ack', ...key('h1') });
    await forced;
  });
});

/** A worker certificate and the identity its key gives. */
function keyPair(name: string): { cert: X509Certificate; identity: WorkerIdentity } {
  const made = memoryWorkerCert(name);
  return { cert: made.x509, identity: workerIdentity(made.pem, made.keyPem) };
}

describe('WorkerAgent secrets', () => {
  const mine = keyPair('w1');
  const other = keyPair('w2');

  it('opens the envelope sealed to its key: the password reaches the task and is masked in its output', async () => {
    const agent = makeAgent({ identity: mine.identity });
    const conn = connect(agent);
    const [box] = sealEnvelope({ password: 'hunter2-secret' }, [mine.cert]).boxes;
    agent.onMessage({
      ...task('h1', 'echo "pw=hunter2-secret"; printf hunt; printf er2-secret; echo'),
      envelope: JSON.stringify(box),
    });
    await until(() => conn.of('result').length === 1);
    expect(conn.of('result')[0]).toMatchObject({ outcome: 'succeeded' });
    expect(conn.text()).toBe('pw=****\n****\n');
  });

  it('fails the host without running anything when the envelope is for another key, or it has none', async () => {
    const agent = makeAgent({ identity: mine.identity });
    const conn = connect(agent);
    const [box] = sealEnvelope({ password: 'x' }, [other.cert]).boxes;
    agent.onMessage({ ...task('h1', 'echo ran'), envelope: JSON.stringify(box) });
    const bare = makeAgent();
    const conn2 = connect(bare);
    bare.onMessage({ ...task('h2', 'echo ran'), envelope: JSON.stringify(box) });
    await until(() => conn.of('result').length === 1 && conn2.of('result').length === 1);
    for (const c of [conn, conn2]) {
      expect(c.of('result')[0]).toMatchObject({
        outcome: 'failed',
        attempts: 0,
        errorCode: 'ENVELOPE_UNREADABLE',
      });
      expect(c.text()).toBe('');
    }
  });

  it('fills {{secret:NAME}} from its own secrets, masks the value, and fails on an unknown name', async () => {
    const agent = makeAgent({ secrets: new Map([['api_token', 's3cr3t-value']]) });
    const conn = connect(agent);
    agent.onMessage(
      task('h1', 'echo "token={{secret:api_token}}" ; test "{{secret:api_token}}" = s3cr3t-value'),
    );
    agent.onMessage(task('h2', 'echo {{secret:missing}}'));
    await until(() => conn.of('result').length === 2);
    const results = new Map(conn.of('result').map((r) => [r.host, r]));
    expect(results.get('h1')).toMatchObject({ outcome: 'succeeded' });
    expect(results.get('h2')).toMatchObject({ outcome: 'failed', attempts: 0, errorCode: 'SECRET_UNKNOWN' });
    expect(results.get('h2')?.message).toContain('"missing"');
    expect(conn.text()).toBe('token=****\n');
  });
});
