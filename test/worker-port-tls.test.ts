// The worker port's TLS rules over a real port: each kind of bad client is refused and the reason logged; the worker refuses a wrong server.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:https';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { startWorkerLinkServer } from '../src/dispatcher/index.ts';
import type { WorkerLinkServer } from '../src/dispatcher/index.ts';
import { isPogoError } from '../src/model/index.ts';
import type { CertAuthority } from '../src/security/index.ts';
import { createLocalTransport } from '../src/transport/index.ts';
import { WorkerAgent, connectWorker } from '../src/worker/index.ts';
import type { WorkerTls } from '../src/worker/index.ts';
import { issueTestCert, makeTestCa, makeTestCerts } from './support/certs.ts';
import type { KeyPair, TestCerts } from './support/certs.ts';
import { RecordingHandler, recordingLogger, until } from './support/link-harness.ts';

let dir: string;
let certs: TestCerts;
let ca: CertAuthority;
let expired: KeyPair;
let wrongName: KeyPair;
let noRoleWorker: KeyPair;
let noRoleServer: KeyPair;

/** A certificate signed by the test CA with openssl, with the right extendedKeyUsage but no role URI. */
function withoutRole(name: string, ext: string): KeyPair {
  const run = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  writeFileSync(join(dir, `${name}.ext`), ext);
  run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`,
    '-out', `${name}.csr`, '-subj', `/CN=${name}`); // prettier-ignore
  run('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', '7',
    '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.crt`); // prettier-ignore
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  return { cert: readFileSync(certFile), key: readFileSync(keyFile), certFile, keyFile };
}
const transport = createLocalTransport({ killGraceMs: 200 });
const cleanups: (() => Promise<unknown> | void)[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-port-tls-'));
  certs = await makeTestCerts(dir);
  ca = await makeTestCa(dir, 'ca2', 'Pogo Test CA 2');
  const day = 86_400_000;
  const past = { notBefore: new Date(Date.now() - 3 * day), notAfter: new Date(Date.now() - day) };
  expired = await issueTestCert(dir, ca, 'expired', { role: 'worker', name: 'old-worker', validity: past });
  wrongName = await issueTestCert(dir, ca, 'elsewhere', { role: 'server', name: 'pogo1.example.com' });
  noRoleWorker = withoutRole('norole-worker', 'extendedKeyUsage=clientAuth\nsubjectAltName=DNS:norole\n');
  noRoleServer = withoutRole('norole-server', 'extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n');
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await transport.close();
  await rm(dir, { recursive: true, force: true });
});

/** A worker port (trusting `ca2` as well as the test CA, so its expired certificate chains). */
async function startPort(server: KeyPair = certs.server) {
  const handler = new RecordingHandler();
  const log = recordingLogger();
  const port: WorkerLinkServer = await startWorkerLinkServer({
    host: '127.0.0.1',
    port: 0,
    tls: { ca: Buffer.concat([certs.ca, Buffer.from(ca.certPem)]), cert: server.cert, key: server.key },
    handler,
    dispatcherName: 'tls-test',
    log,
  });
  cleanups.push(() => port.close());
  return { port: port.port, handler, log };
}

/** Open a raw WebSocket with these TLS options; resolves when it closed or failed, whatever happened. */
async function attempt(url: string, options: WebSocket.ClientOptions): Promise<string> {
  const ws = new WebSocket(url, { handshakeTimeout: 5_000, ...options });
  cleanups.push(() => ws.terminate());
  return new Promise((resolve) => {
    ws.once('open', () => resolve('open'));
    ws.once('error', (e: Error) => resolve(`error: ${e.message}`));
    ws.once('close', () => resolve('closed'));
  });
}

/** Wait until the server logged a refusal matching `reason` at warn level; return that line. */
async function refusal(log: { lines: string[] }, reason: RegExp): Promise<string> {
  const line = (): string | undefined =>
    log.lines.find((l) => l.startsWith('warn worker refused') && reason.test(l));
  await until(() => line() !== undefined, 5_000, `refusal ${reason}`);
  return line() ?? '';
}

const trustServer = (): WebSocket.ClientOptions => ({ ca: certs.ca, rejectUnauthorized: true });

describe('worker port refusals', () => {
  it('refuses a client without a certificate', async () => {
    const { port, handler, log } = await startPort();
    expect(await attempt(`wss://127.0.0.1:${port}`, trustServer())).not.toBe('open');
    expect(await refusal(log, /no client certificate/)).toMatch(/from 127\.0\.0\.1:\d+/);
    expect(handler.calls).toBe(0);
  });

  it('refuses a certificate from another CA', async () => {
    const { port, handler, log } = await startPort();
    const stranger = { ...trustServer(), cert: certs.stranger.cert, key: certs.stranger.key };
    expect(await attempt(`wss://127.0.0.1:${port}`, stranger)).not.toBe('open');
    expect(await refusal(log, /unknown CA/)).toMatch(/127\.0\.0\.1:\d+/);
    expect(handler.calls).toBe(0);
  });

  it('refuses an expired worker certificate', async () => {
    const { port, handler, log } = await startPort();
    const old = { ...trustServer(), cert: expired.cert, key: expired.key };
    expect(await attempt(`wss://127.0.0.1:${port}`, old)).not.toBe('open');
    await refusal(log, /certificate expired/);
    expect(handler.calls).toBe(0);
  });

  it('refuses a server certificate used as a worker certificate', async () => {
    const { port, handler, log } = await startPort();
    const asWorker = { ...trustServer(), cert: certs.server.cert, key: certs.server.key };
    expect(await attempt(`wss://127.0.0.1:${port}`, asWorker)).not.toBe('open');
    // OpenSSL already refuses its purpose (serverAuth only); the role check would catch it next.
    await refusal(log, /not for client authentication \(a server certificate used as a worker/);
    expect(handler.calls).toBe(0);
  });

  it('refuses a client certificate without the worker role, after the handshake and before the upgrade', async () => {
    const { port, handler, log } = await startPort();
    const noRole = { ...trustServer(), cert: noRoleWorker.cert, key: noRoleWorker.key };
    expect(await attempt(`wss://127.0.0.1:${port}`, noRole)).not.toBe('open');
    const line = await refusal(log, /certificate CN=norole-worker has role none, worker needed/);
    expect(line).toMatch(/from 127\.0\.0\.1:\d+/);
    expect(handler.calls).toBe(0);
  });

  it('refuses plain ws:// and plain HTTP to the TLS port', async () => {
    const { port, handler, log } = await startPort();
    expect(await attempt(`ws://127.0.0.1:${port}`, {})).not.toBe('open');
    expect(await refusal(log, /plain HTTP to the TLS port/)).toMatch(/127\.0\.0\.1:\d+/);
    await new Promise<void>((resolve) => {
      const socket = tcpConnect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve());
    });
    expect(handler.calls).toBe(0);
  });

  it('refuses a TLS 1.2 client', async () => {
    const { port, handler, log } = await startPort();
    const old = {
      ...trustServer(),
      cert: certs.worker.cert,
      key: certs.worker.key,
      maxVersion: 'TLSv1.2' as const,
    };
    expect(await attempt(`wss://127.0.0.1:${port}`, old)).not.toBe('open');
    await refusal(log, /protocol version: TLS 1\.3 is required/);
    expect(handler.calls).toBe(0);
  });

  it('admits a valid worker and hands its certificate to the handler', async () => {
    const { port, handler, log } = await startPort();
    const agent = new WorkerAgent({ name: 'good', capacity: 1, transport, targetOf: (host) => ({ host }) });
    const tls: WorkerTls = { ca: certs.ca, cert: certs.worker.cert, key: certs.worker.key };
    const link = connectWorker(agent, { url: `wss://127.0.0.1:${port}`, tls });
    cleanups.push(async () => {
      await agent.stop({ force: true, timeoutMs: 0 });
      await link.close();
    });
    await until(() => handler.hellos.length === 1, 10_000, 'hello');
    const fingerprint = new X509Certificate(certs.worker.cert).fingerprint256;
    expect(handler.channel?.certificate?.fingerprint256).toBe(fingerprint);
    expect(new X509Certificate(handler.channel?.certificate?.pem ?? '').fingerprint256).toBe(fingerprint);
    expect(log.lines.filter((l) => l.startsWith('warn'))).toEqual([]);
  });
});

describe('each end checks its own certificate at start', () => {
  it('the server refuses a worker certificate as its own; the worker a server certificate', async () => {
    const start = startWorkerLinkServer({
      host: '127.0.0.1',
      port: 0,
      tls: { ca: certs.ca, cert: certs.worker.cert, key: certs.worker.key },
      handler: new RecordingHandler(),
      dispatcherName: 'x',
    });
    await expect(start).rejects.toMatchObject({
      code: 'WORKER_TLS',
      message: expect.stringMatching(
        /own certificate CN=test-worker has role worker, server needed/,
      ) as string,
    });
    const agent = new WorkerAgent({ name: 'w', capacity: 1, transport, targetOf: (host) => ({ host }) });
    const tls: WorkerTls = { ca: certs.ca, cert: certs.server.cert, key: certs.server.key };
    let error: unknown;
    try {
      void connectWorker(agent, { url: 'wss://127.0.0.1:1', tls }).close();
    } catch (e: unknown) {
      error = e;
    }
    expect(isPogoError(error, 'WORKER_TLS')).toBe(true);
    expect(String(error)).toMatch(/has role server, worker needed/);
    const old: WorkerTls = { ca: Buffer.from(ca.certPem), cert: expired.cert, key: expired.key };
    expect(() => connectWorker(agent, { url: 'wss://127.0.0.1:1', tls: old })).toThrow(/expired on/);
  });
});

describe('the worker refuses a wrong server', () => {
  /** A bare TLS WebSocket server presenting `pair` (no Pogo checks of its own). */
  async function bareServer(pair: KeyPair): Promise<number> {
    const https = createServer({ cert: pair.cert, key: pair.key, ca: certs.ca, requestCert: false });
    const wss = new WebSocketServer({ server: https });
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const client of wss.clients) client.terminate();
          wss.close();
          https.closeAllConnections();
          https.close(() => resolve());
        }),
    );
    const address = https.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  function startWorker(port: number, trust: Buffer) {
    const log = recordingLogger();
    const agent = new WorkerAgent({ name: 'w', capacity: 1, transport, targetOf: (host) => ({ host }), log });
    const tls: WorkerTls = { ca: trust, cert: certs.worker.cert, key: certs.worker.key };
    const link = connectWorker(agent, { url: `wss://127.0.0.1:${port}`, tls, log });
    cleanups.push(async () => {
      await agent.stop({ force: true, timeoutMs: 0 });
      await link.close();
    });
    return log;
  }

  it('refuses a server certificate of the wrong role', async () => {
    const port = await bareServer(certs.worker);
    const log = startWorker(port, certs.ca);
    await until(() => log.lines.some((l) => l.includes('WORKER_CONNECT_FAILED')), 10_000, 'refused');
    const line = log.lines.find((l) => l.includes('WORKER_CONNECT_FAILED')) ?? '';
    expect(line).toMatch(/^warn cannot connect to wss:\/\/127\.0\.0\.1:\d+\/: /);
    expect(line).toMatch(/INVALID_PURPOSE: .* not for server authentication/);
  });

  it('refuses a server certificate without the server role', async () => {
    const port = await bareServer(noRoleServer);
    const log = startWorker(port, certs.ca);
    await until(() => log.lines.some((l) => l.includes('WORKER_CONNECT_FAILED')), 10_000, 'refused');
    const line = log.lines.find((l) => l.includes('WORKER_CONNECT_FAILED')) ?? '';
    expect(line).toMatch(
      /WORKER_TLS: refusing the server: certificate CN=norole-server has role none, server needed/,
    );
  });

  it('refuses a server certificate for another name', async () => {
    const { port } = await startPort(wrongName);
    const log = startWorker(port, Buffer.concat([certs.ca, Buffer.from(ca.certPem)]));
    await until(() => log.lines.some((l) => l.includes('WORKER_CONNECT_FAILED')), 10_000, 'refused');
    const line = log.lines.find((l) => l.includes('WORKER_CONNECT_FAILED')) ?? '';
    expect(line).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID|does not match certificate's altnames/);
  });
});
