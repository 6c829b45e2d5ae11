// The worker link end to end: real TLS on 127.0.0.1, real WebSockets, real commands (local transport), the real CLI.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { startWorkerLinkServer } from '../src/dispatcher/index.ts';
import type { WorkerLinkServer } from '../src/dispatcher/index.ts';
import { isPogoError } from '../src/model/index.ts';
import { createLocalTransport } from '../src/transport/index.ts';
import { LINK_PROTOCOL_VERSION, WorkerAgent, connectWorker } from '../src/worker/index.ts';
import type { WorkerLink, WorkerTls } from '../src/worker/index.ts';
import { makeTestCerts } from './support/certs.ts';
import type { TestCerts } from './support/certs.ts';
import { RecordingHandler, recordingLogger, taskMessage, until } from './support/link-harness.ts';
import { POGO_BIN, REPO_ROOT } from './support/run-pogo.ts';

let dir: string;
let certs: TestCerts;
const transport = createLocalTransport({ killGraceMs: 200 });
const cleanups: (() => Promise<unknown> | void)[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-link-'));
  certs = await makeTestCerts(dir);
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await transport.close();
  await rm(dir, { recursive: true, force: true });
});

const serverTls = (): WorkerTls => ({ ca: certs.ca, cert: certs.server.cert, key: certs.server.key });
const workerTls = (): WorkerTls => ({ ca: certs.ca, cert: certs.worker.cert, key: certs.worker.key });

async function startServer(
  handler: RecordingHandler,
  port = 0,
  heartbeatMs?: number,
): Promise<WorkerLinkServer> {
  const server = await startWorkerLinkServer({
    host: '127.0.0.1',
    port,
    tls: serverTls(),
    handler,
    dispatcherName: 'test-dispatcher',
    heartbeatMs,
  });
  cleanups.push(() => server.close());
  return server;
}

function startWorker(port: number, tls: WorkerTls = workerTls()) {
  const log = recordingLogger();
  const agent = new WorkerAgent({ name: 'w1', capacity: 4, transport, targetOf: (host) => ({ host }), log });
  const link: WorkerLink = connectWorker(agent, { url: `wss://127.0.0.1:${port}`, tls, log });
  cleanups.push(async () => {
    await agent.stop({ force: true, timeoutMs: 0 });
    await link.close();
    await until(() => agent.running === 0);
  });
  return { agent, link, log };
}

/** A raw WebSocket client with the worker's certificate; resolves once open. */
async function rawClient(port: number): Promise<WebSocket> {
  const ws = new WebSocket(`wss://127.0.0.1:${port}`, { ...workerTls(), rejectUnauthorized: true });
  cleanups.push(() => ws.terminate());
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
}

describe('worker link over mutual TLS', () => {
  it('runs a task: output and result arrive, the ack ends the resends', async () => {
    const handler = new RecordingHandler();
    const server = await startServer(handler);
    const { agent } = startWorker(server.port);
    await until(() => handler.hellos.length === 1, 15_000, 'hello');
    expect(handler.hellos[0]?.hello).toMatchObject({
      name: 'w1',
      capacity: 4,
      protocol: LINK_PROTOCOL_VERSION,
    });
    expect(handler.channel?.remote).toMatch(/^127\.0\.0\.1:\d+ CN=test-worker$/);
    handler.channel?.send(taskMessage('h1', 'echo hi; exit 3'));
    await until(() => handler.results.length === 1, 15_000, 'result');
    expect(handler.text('h1')).toBe('hi\n');
    expect(handler.results[0]).toMatchObject({ host: 'h1', outcome: 'failed', exitCode: 3, chunks: 1 });
    await until(() => agent.held.length === 0, 5_000, 'ack processed');
    await sleep(100);
    expect(handler.results).toHaveLength(1);
  });

  it('rejects a worker certificate from another CA, and a worker rejects a server it cannot verify', async () => {
    const handler = new RecordingHandler();
    const server = await startServer(handler);
    const stranger = startWorker(server.port, {
      ca: certs.ca,
      cert: certs.stranger.cert,
      key: certs.stranger.key,
    });
    const distrustful = startWorker(server.port, { ...workerTls(), ca: certs.otherCa });
    await until(
      () =>
        [stranger, distrustful].every((w) => w.log.lines.some((l) => l.includes('WORKER_CONNECT_FAILED'))),
      10_000,
      'connection failures logged',
    );
    await sleep(200);
    expect(handler.calls).toBe(0);
    expect(distrustful.log.lines.join('\n')).toMatch(/certificate/i);
  });

  it('refuses plain ws:// off loopback and unusable TLS material, on both sides, with WORKER_TLS', async () => {
    const agent = new WorkerAgent({ name: 'w', capacity: 1, transport, targetOf: (host) => ({ host }) });
    const refused = (url: string, insecureLoopback: boolean, tls?: WorkerTls): unknown => {
      try {
        void connectWorker(agent, { url, insecureLoopback, tls }).close();
      } catch (e: unknown) {
        return e;
      }
      throw new Error(`${url} was accepted`);
    };
    expect(isPogoError(refused('ws://192.0.2.10:7000', true), 'WORKER_TLS')).toBe(true);
    expect(isPogoError(refused('ws://127.0.0.1:7000', false), 'WORKER_TLS')).toBe(true);
    expect(isPogoError(refused('wss://127.0.0.1:7000', false), 'WORKER_TLS')).toBe(true);
    const mismatched = { ...workerTls(), key: certs.server.key };
    expect(isPogoError(refused('wss://127.0.0.1:7000', false, mismatched), 'WORKER_TLS')).toBe(true);
    const start = startWorkerLinkServer({
      host: '0.0.0.0',
      port: 0,
      insecureLoopback: true,
      handler: new RecordingHandler(),
      dispatcherName: 'd',
    });
    await expect(start).rejects.toMatchObject({ code: 'WORKER_TLS' });
    const junk = { ...serverTls(), cert: Buffer.from('not a certificate') };
    const handler = new RecordingHandler();
    const badTls = startWorkerLinkServer({
      host: '127.0.0.1',
      port: 0,
      tls: junk,
      handler,
      dispatcherName: 'd',
    });
    await expect(badTls).rejects.toMatchObject({ code: 'WORKER_TLS' });
  });

  it('closes the link with 1008 on an invalid frame, and the handler never hears of it', async () => {
    const handler = new RecordingHandler();
    const server = await startServer(handler);
    const frames = [
      'not json {',
      JSON.stringify({ type: 'hello', protocol: LINK_PROTOCOL_VERSION }),
      JSON.stringify({ type: 'heartbeat', t: 1, running: 0 }),
      JSON.stringify({
        type: 'hello',
        protocol: 99,
        name: 'w',
        instance: 'abcdefgh',
        capacity: 1,
        version: '',
        tasks: [],
      }),
    ];
    const reasons: RegExp[] = [
      /WORKER_PROTOCOL: invalid JSON/,
      /WORKER_PROTOCOL: invalid message: name/,
      /first message must be hello/,
      new RegExp(`protocol 99, this dispatcher ${LINK_PROTOCOL_VERSION}`),
    ];
    for (const [i, frame] of frames.entries()) {
      const ws = await rawClient(server.port);
      const closed = closeOf(ws);
      ws.send(frame);
      const { code, reason } = await closed;
      expect(code).toBe(1008);
      expect(reason).toMatch(reasons[i] as RegExp);
    }
    const big = await rawClient(server.port);
    const closed = closeOf(big);
    big.send('x'.repeat(5 * 1024 * 1024));
    expect((await closed).code).toBe(1009);
    expect(handler.calls).toBe(0);
  });

  it('reconnects after a server restart on the same port; the result arrives once', async () => {
    const handler = new RecordingHandler();
    const first = await startServer(handler);
    const { agent } = startWorker(first.port);
    await until(() => handler.hellos.length === 1, 15_000, 'first hello');
    handler.channel?.send(taskMessage('h1', 'sleep 1; echo done'));
    await until(() => agent.running === 1, 5_000, 'task started');
    await first.close();
    await startServer(handler, first.port);
    await until(() => handler.results.length === 1, 15_000, 'result after the restart');
    const hello = handler.hellos[1]?.hello;
    expect(hello?.instance).toBe(handler.hellos[0]?.hello.instance);
    expect(hello?.tasks.map((t) => [t.host, t.attempt])).toEqual([['h1', 1]]);
    expect(handler.text('h1')).toBe('done\n');
    await until(() => agent.held.length === 0, 5_000, 'ack processed');
    await sleep(200);
    expect(handler.results).toHaveLength(1);
    expect(handler.disconnects).toHaveLength(1);
  });

  it('a worker reconnects when the server goes silent; the server drops a silent worker', async () => {
    const https = createServer({ ...serverTls(), requestCert: true, rejectUnauthorized: true });
    const wss = new WebSocketServer({ server: https });
    let connections = 0;
    wss.on('connection', (ws) => {
      connections++;
      ws.once('message', () =>
        ws.send(
          JSON.stringify({
            type: 'welcome',
            protocol: LINK_PROTOCOL_VERSION,
            dispatcher: 'mute',
            heartbeatMs: 100,
            outputAcked: [],
          }),
        ),
      );
    });
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => https.close(() => resolve())));
    cleanups.push(() => wss.clients.forEach((ws) => ws.terminate()));
    const address = https.address();
    startWorker(typeof address === 'object' && address ? address.port : 0);
    await until(() => connections >= 2, 10_000, 'reconnect');

    const handler = new RecordingHandler();
    const server = await startServer(handler, 0, 100);
    const ws = await rawClient(server.port);
    const closed = closeOf(ws);
    ws.send(
      JSON.stringify({
        type: 'hello',
        protocol: LINK_PROTOCOL_VERSION,
        name: 'quiet',
        instance: 'abcdefgh',
        capacity: 1,
        version: '',
        tasks: [],
      }),
    );
    const { code, reason } = await closed;
    expect(code).toBe(4000);
    expect(reason).toMatch(/nothing heard from the worker/);
    await until(() => handler.disconnects.length === 1, 2_000, 'onDisconnect');
  });

  it('pogo worker: runs a task, and on SIGTERM delivers the result and exits 0', async () => {
    const handler = new RecordingHandler();
    const server = await startServer(handler);
    const args = [
      POGO_BIN, 'worker', '--server', `wss://127.0.0.1:${server.port}`, '--ca', certs.caFile,
      '--cert', certs.worker.certFile, '--key', certs.worker.keyFile, '--transport', 'local',
      '--name', 'cli-worker', '--capacity', '2',
    ]; // prettier-ignore
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(() => void child.kill('SIGKILL'));
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await until(() => handler.hellos.length === 1, 30_000, 'hello from the CLI');
    expect(handler.hellos[0]?.hello).toMatchObject({ name: 'cli-worker', capacity: 2 });
    handler.channel?.send(taskMessage('h1', 'sleep 1; echo from-cli'));
    await until(() => stderr.includes('task j1/h1#1 started'), 10_000, 'task started');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(handler.results).toMatchObject([{ host: 'h1', outcome: 'succeeded' }]);
    expect(handler.text('h1')).toBe('from-cli\n');
    expect(stderr).toMatch(/SIGTERM: stopping/);
  });
});
