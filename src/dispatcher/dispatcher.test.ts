// The dispatcher against a real SQLite file, with hand-driven worker channels: commit-before-send, acks, recovery, lost.
import type { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../model/index.ts';
import { memoryWorkerCert } from '../../test/support/certs.ts';
import { sealEnvelope } from '../security/index.ts';
import type { Store } from '../store/index.ts';
import { openSqliteStore } from '../store/index.ts';
import { channel, hello, result, tasks } from '../../test/support/worker-channels.ts';
import { Dispatcher } from './dispatcher.ts';
import { ServerService } from './server-service.ts';

const ADMIN: Actor = { user: 'alice', role: 'admin', remote: 'test' };
const dirs: string[] = [];
const opened: { dispatcher: Dispatcher; store: Store }[] = [];

afterEach(async () => {
  for (const o of opened.splice(0)) {
    await o.dispatcher.stop();
    await o.store.close();
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function system(path?: string, graceMs = 60_000, leaseTtlMs?: number, recoveryDelayMs?: number) {
  const dir = path ?? mkdtempSync(join(tmpdir(), 'pogo-dispatcher-'));
  if (!path) dirs.push(dir);
  const store = openSqliteStore(join(dir, 'pogo.db'));
  await store.migrate();
  const dispatcher = new Dispatcher({
    store,
    name: 'd1',
    baseDir: dir,
    workerGraceMs: graceMs,
    commitDelayMs: 1,
    ...(leaseTtlMs !== undefined ? { leaseTtlMs } : {}),
    ...(recoveryDelayMs !== undefined ? { recoveryDelayMs } : {}),
  });
  await dispatcher.start();
  opened.push({ dispatcher, store });
  return { dir, store, dispatcher, service: new ServerService(store, dispatcher) };
}

const settle = (ms = 60): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('Dispatcher', () => {
  it('hands out no more tasks than the worker’s capacity, each only after its running row is stored', async () => {
    const { dispatcher, service, store } = await system();
    const w = channel('w-aaaaaaaa', 3);
    await hello(dispatcher, w);
    const job = await service.submitJob({ targets: 'h[1-10]', command: 'true' }, ADMIN);
    await settle();
    const sent = tasks(w);
    expect(sent.map((t) => t.host)).toEqual(['h1', 'h2', 'h3']);
    for (const t of sent) {
      const row = await store.getHost(job.id, t.host);
      expect(row).toMatchObject({ state: 'running', attempt: 1, worker: 'w-aaaaaaaa' });
    }
    dispatcher.onResult(w, result(job.id, 'h1', 1));
    await settle();
    expect(tasks(w).map((t) => t.host)).toEqual(['h1', 'h2', 'h3', 'h4']);
    expect(w.sent.filter((m) => m.type === 'ack')).toHaveLength(1);
  });

  it('a resent result is acknowledged again but counted once', async () => {
    const { dispatcher, service } = await system();
    const w = channel('w-bbbbbbbb', 5);
    await hello(dispatcher, w);
    const job = await service.submitJob({ targets: 'h[1-2]', command: 'true' }, ADMIN);
    await settle();
    dispatcher.onResult(w, result(job.id, 'h1', 1, 'failed'));
    dispatcher.onResult(w, result(job.id, 'h1', 1, 'failed'));
    dispatcher.onResult(w, result(job.id, 'h2', 1));
    await settle();
    const view = await service.getJob(job.id);
    expect(view.counts).toMatchObject({ failed: 1, succeeded: 1 });
    expect(view.state).toBe('failed');
    expect(w.sent.filter((m) => m.type === 'ack')).toHaveLength(3);
  });

  it('after a crash, a new dispatcher takes the job up: held tasks are awaited, unknown ones sent again, nothing twice', async () => {
    const first = await system();
    const w = channel('w-cccccccc', 4);
    await hello(first.dispatcher, w);
    const job = await first.service.submitJob({ targets: 'h[1-6]', command: 'true' }, ADMIN);
    await settle();
    expect(tasks(w).map((t) => t.host)).toEqual(['h1', 'h2', 'h3', 'h4']);
    first.dispatcher.onResult(w, result(job.id, 'h1', 1));
    await settle();
    // Crash: the first dispatcher is dropped without stopping; its store stays.
    opened.splice(
      opened.findIndex((o) => o.dispatcher === first.dispatcher),
      1,
    );
    await first.store.close();
    const second = await system(first.dir);
    const back = channel('w-cccccccc', 4);
    // The worker finished h2, still runs h3, and never got h4 and h5 (sent, but lost in the crash).
    await hello(second.dispatcher, back, [
      { job: job.id, host: 'h2', attempt: 1, state: 'finished' },
      { job: job.id, host: 'h3', attempt: 1, state: 'running' },
    ]);
    await settle();
    second.dispatcher.onResult(back, result(job.id, 'h2', 1));
    await settle();
    const resent = tasks(back).map((t) => `${t.host}#${t.attempt}`);
    expect(resent).toContain('h4#1'); // never received: sent again, same attempt
    expect(resent).toContain('h5#1');
    expect(resent).not.toContain('h2#1');
    expect(resent).not.toContain('h3#1');
    const events = await second.store.readEvents(job.id, 0, 1000);
    expect(events.filter((e) => e.type === 'host:requeued').map((e) => ('host' in e ? e.host : ''))).toEqual([
      'h4',
      'h5',
    ]);
    for (const t of tasks(back)) second.dispatcher.onResult(back, result(job.id, t.host, t.attempt));
    second.dispatcher.onResult(back, result(job.id, 'h3', 1));
    await settle(100);
    for (const t of tasks(back)) second.dispatcher.onResult(back, result(job.id, t.host, t.attempt));
    await settle(100);
    const end = await second.service.getJob(job.id);
    expect(end.state).toBe('succeeded');
    const started = events.filter((e) => e.type === 'host:started').length;
    expect(started).toBeLessThanOrEqual(6);
    const hosts = await second.store.allHosts(job.id);
    expect(hosts.every((h) => h.attempt === 1 && h.state === 'succeeded')).toBe(true);
  });

  it('a worker that does not come back within the grace period leaves its hosts lost, not re-run', async () => {
    const { dispatcher, service } = await system(undefined, 200);
    const w = channel('w-dddddddd', 2);
    await hello(dispatcher, w);
    const job = await service.submitJob({ targets: 'h[1-3]', command: 'true' }, ADMIN);
    await settle();
    dispatcher.onDisconnect(w, 'gone');
    await settle(400);
    const w2 = channel('w-eeeeeeee', 5);
    await hello(dispatcher, w2);
    await settle();
    expect(tasks(w2).map((t) => t.host)).toEqual(['h3']);
    dispatcher.onResult(w2, result(job.id, 'h3', 1));
    await settle();
    const end = await service.getJob(job.id);
    expect(end.counts).toMatchObject({ lost: 2, succeeded: 1 });
    expect(end.state).toBe('failed');
    const h1 = await service.getHost(job.id, 'h1');
    expect(h1.message).toMatch(/worker w-dddddddd did not come back within 0s/);
  });

  it('a worker that stopped holding nothing (close 4001): what it did not answer goes elsewhere at once, not lost', async () => {
    const { dispatcher, service, store } = await system(undefined, 60_000);
    const w = channel('w-drained1', 2);
    await hello(dispatcher, w);
    const job = await service.submitJob({ targets: 'h[1-3]', command: 'true' }, ADMIN);
    await settle();
    dispatcher.onResult(w, result(job.id, 'h1', 1));
    await settle();
    expect(tasks(w).map((t) => t.host)).toEqual(['h1', 'h2', 'h3']);
    // h2 and h3 were sent after the worker began its stop and arrived after it closed.
    dispatcher.onDisconnect(w, 'closed (4001 worker stopping)', true);
    const w2 = channel('w-drained2', 5);
    await hello(dispatcher, w2);
    await settle();
    expect(tasks(w2).map((t) => t.host)).toEqual(['h2', 'h3']);
    for (const h of ['h2', 'h3']) dispatcher.onResult(w2, result(job.id, h, 1)); // the same attempt: it never ran
    await settle();
    expect((await store.getJob(job.id)).state).toBe('succeeded');
    const events = await store.readEvents(job.id, 0);
    expect(
      events.filter((e) => e.type === 'host:requeued').map((e) => ('reason' in e ? e.reason : '')),
    ).toEqual(['worker w-drained1 stopped before it got it', 'worker w-drained1 stopped before it got it']);
  });

  it('a task a worker refuses (it is stopping) goes to another worker; none goes to the stopping one again', async () => {
    const { dispatcher, service, store } = await system();
    const a = channel('w-ffffffff', 2);
    await hello(dispatcher, a);
    const job = await service.submitJob({ targets: 'h[1-3]', command: 'true' }, ADMIN);
    await settle();
    expect(tasks(a).map((t) => t.host)).toEqual(['h1', 'h2']);
    dispatcher.onRefuse(a, { type: 'refuse', job: job.id, host: 'h2', attempt: 1, reason: 'stopping' });
    dispatcher.onResult(a, result(job.id, 'h1', 1));
    await settle();
    expect(tasks(a).map((t) => t.host)).toEqual(['h1', 'h2']); // nothing new for a stopping worker
    const b = channel('w-gggggggg', 2);
    await hello(dispatcher, b);
    await settle();
    expect(tasks(b).map((t) => `${t.host}#${t.attempt}`)).toEqual(['h2#1', 'h3#1']);
    expect((await store.getHost(job.id, 'h2')).worker).toBe('w-gggggggg');
    for (const t of tasks(b)) dispatcher.onResult(b, result(job.id, t.host, t.attempt));
    await settle();
    expect((await service.getJob(job.id)).state).toBe('succeeded');
  });

  it('a --file script goes to the workers but is left out of job answers', async () => {
    const { dispatcher, service } = await system();
    const w = channel('w-hhhhhhhh', 2);
    await hello(dispatcher, w);
    const content = Buffer.from('#!/bin/sh\necho hi\n').toString('base64');
    const job = await service.submitJob(
      { targets: 'h1', command: '', file: { name: 'hi.sh', contentBase64: content, args: ['x'] } },
      ADMIN,
    );
    await settle();
    expect(tasks(w)[0]?.spec.file).toEqual({ name: 'hi.sh', contentBase64: content, args: ['x'] });
    expect(job.options.task.file).toEqual({ name: 'hi.sh', contentBase64: '', args: ['x'] });
    expect((await service.getJob(job.id)).options.task.file?.contentBase64).toBe('');
    expect((await service.listJobs({})).items[0]?.options.task.file?.contentBase64).toBe('');
  });

  it('when a store write fails it stops deciding: no ack, no new task, /readyz says why', async () => {
    const { dispatcher, service, store } = await system();
    const w = channel('w-iiiiiiii', 1);
    await hello(dispatcher, w);
    const job = await service.submitJob({ targets: 'h[1-2]', command: 'true' }, ADMIN);
    await settle();
    expect(tasks(w).map((t) => t.host)).toEqual(['h1']);
    await store.close(); // every write fails from now on
    dispatcher.onResult(w, result(job.id, 'h1', 1));
    await settle(100);
    expect(w.sent.filter((m) => m.type === 'ack')).toEqual([]); // the worker keeps the result
    expect(tasks(w).map((t) => t.host)).toEqual(['h1']);
    const ready = await service.readiness();
    expect(ready.ready).toBe(false);
    expect(ready.reason).toMatch(/a store write failed .*takes its jobs up again once the store answers/);
  });

  it('checks limits: 0% is a failure budget but not a parallelism', async () => {
    const { service } = await system();
    const job = await service.submitJob({ targets: 'h1', command: 'true', maxFailures: '0%' }, ADMIN);
    expect(job.options.maxFailures).toBe('0%');
    await expect(
      service.submitJob({ targets: 'h1', command: 'true', maxParallel: '0%' }, ADMIN),
    ).rejects.toThrow(/maxParallel: "0%" is not N or N%/);
    await expect(
      service.submitJob({ targets: 'h1', command: 'true', maxParallel: '0' }, ADMIN),
    ).rejects.toThrow(/maxParallel: "0"/);
  });
});

/** A worker certificate as a link would present it. */
function linkCertificate(name: string): { pem: string; fingerprint256: string; x509: X509Certificate } {
  const { pem, fingerprint256, x509 } = memoryWorkerCert(name);
  return { pem, fingerprint256, x509 };
}

describe('Dispatcher leases', () => {
  it('keeps driving a job when a lease renewal fails (store unavailable), drops it when another owner holds it', async () => {
    const { dispatcher, service, store } = await system(undefined, 60_000, 3_000);
    const w = channel('w-lease001', 1);
    await hello(dispatcher, w);
    const job = await service.submitJob({ targets: 'h[1-3]', command: 'true' }, ADMIN);
    await settle();
    const real = store.acquireLease.bind(store);
    let calls = 0;
    store.acquireLease = () => {
      calls++;
      return Promise.reject(new Error('database is down'));
    };
    await new Promise((r) => setTimeout(r, 1_300)); // one renewal tick (every TTL/3, at least 1 s)
    expect(calls).toBeGreaterThan(0);
    expect(dispatcher.liveDriver(job.id)).toBeDefined();
    store.acquireLease = () => Promise.resolve(undefined); // another dispatcher holds a live lease
    await new Promise((r) => setTimeout(r, 1_100));
    expect(dispatcher.liveDriver(job.id)).toBeUndefined();
    store.acquireLease = real;
  });
});

describe('Dispatcher after a failed store write', () => {
  it('stops, then once the store answers reloads every job; workers report again; no host runs twice', async () => {
    const { dispatcher, service, store } = await system(undefined, 60_000, undefined, 50);
    let closed = 0;
    const w = { ...channel('w-recover1', 2), close: () => void closed++ };
    await hello(dispatcher, w);
    const job = await service.submitJob({ targets: 'h[1-4]', command: 'true' }, ADMIN);
    await settle();
    expect(tasks(w).map((t) => t.host)).toEqual(['h1', 'h2']);
    // The database goes away (PostgreSQL restarting): writes and reads fail until it is back.
    const realWrite = store.recordProgress.bind(store);
    const realCount = store.countJobsByState.bind(store);
    let down = true;
    const gone = (): Promise<never> => Promise.reject(new Error('connection refused'));
    store.recordProgress = (b) => (down ? gone() : realWrite(b));
    store.countJobsByState = () => (down ? gone() : realCount());
    dispatcher.onResult(w, result(job.id, 'h1', 1)); // its write fails: not acked, the worker keeps it
    await settle(100);
    expect(w.sent.filter((m) => m.type === 'ack')).toEqual([]);
    expect((await service.readiness()).ready).toBe(false);
    expect(tasks(w)).toHaveLength(2); // nothing new while broken
    down = false;
    await settle(200);
    expect(closed).toBe(1); // the link was closed so that the worker reports again
    expect(await service.readiness()).toEqual({ ready: true });
    // The worker reconnects: it still runs h2 and holds h1's result.
    const w2 = channel('w-recover1', 2);
    await hello(dispatcher, w2, [
      { job: job.id, host: 'h1', attempt: 1, state: 'finished' },
      { job: job.id, host: 'h2', attempt: 1, state: 'running' },
    ]);
    dispatcher.onResult(w2, result(job.id, 'h1', 1));
    await settle();
    dispatcher.onResult(w2, result(job.id, 'h2', 1));
    await settle();
    for (const t of tasks(w2))
      if (t.host !== 'h1' && t.host !== 'h2') dispatcher.onResult(w2, result(job.id, t.host, t.attempt));
    await settle();
    for (const t of tasks(w2)) dispatcher.onResult(w2, result(job.id, t.host, t.attempt));
    await settle(100);
    const all = [...tasks(w), ...tasks(w2)].map((t) => `${t.host}#${t.attempt}`);
    expect(all.sort()).toEqual(['h1#1', 'h2#1', 'h3#1', 'h4#1']); // each host sent once, attempt 1
    expect((await store.getJob(job.id)).state).toBe('succeeded');
    const events = await store.readEvents(job.id, 0);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1)); // no gap
  });
});

describe('Dispatcher with sealed jobs', () => {
  const certA = linkCertificate('wa');
  const certB = linkCertificate('wb');

  it('sends a sealed job only to the workers its envelope names, each its own box, and keeps it out of the store', async () => {
    const { dispatcher, service, dir } = await system();
    const wa = { ...channel('w-aaaaaaa1', 2), certificate: certA };
    const wb = { ...channel('w-bbbbbbb1', 2), certificate: certB };
    const wc = channel('w-ccccccc1', 2);
    for (const w of [wa, wb, wc]) await hello(dispatcher, w);
    expect(
      service
        .workerCertificates()
        .map((c) => c.fingerprint)
        .sort(),
    ).toEqual([certA.fingerprint256, certB.fingerprint256].sort());
    const envelope = sealEnvelope({ password: 'pw-never-stored' }, [certA.x509]);
    const job = await service.submitJob({ targets: 'h[1-4]', command: 'true', envelope }, ADMIN);
    expect(job.options.sealed).toBe(true);
    await settle();
    expect(tasks(wa).map((t) => t.host)).toEqual(['h1', 'h2']);
    expect(tasks(wb)).toEqual([]);
    expect(tasks(wc)).toEqual([]);
    expect(tasks(wa).map((t) => t.envelope)).toEqual([
      JSON.stringify(envelope.boxes[0]),
      JSON.stringify(envelope.boxes[0]),
    ]);
    await dispatcher.writer.flush();
    const box = envelope.boxes[0];
    if (!box) throw new Error('box');
    for (const file of ['pogo.db', 'pogo.db-wal']) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(join(dir, file));
      } catch {
        continue;
      }
      expect(bytes.includes(Buffer.from(box.data))).toBe(false);
      expect(bytes.includes(Buffer.from(box.key))).toBe(false);
    }
    await expect(
      service.submitJob(
        {
          targets: 'h9',
          command: 'true',
          envelope: sealEnvelope({ password: 'x' }, [linkCertificate('x').x509]),
        },
        ADMIN,
      ),
    ).rejects.toThrow(/none of a worker this server knows/);
  });

  it('after a restart a sealed job waits in needs-password; resume needs the password, then it runs on', async () => {
    const first = await system();
    const wa = { ...channel('w-aaaaaaa2', 1), certificate: certA };
    await hello(first.dispatcher, wa);
    const envelope = sealEnvelope({ password: 'pw' }, [certA.x509]);
    const job = await first.service.submitJob({ targets: 'h[1-3]', command: 'true', envelope }, ADMIN);
    await settle();
    expect(tasks(wa).map((t) => t.host)).toEqual(['h1']);
    await first.dispatcher.stop();
    await first.store.close();
    opened.splice(0);

    const second = await system(first.dir);
    const wa2 = { ...channel('w-aaaaaaa2', 1), certificate: certA };
    await hello(second.dispatcher, wa2, [{ job: job.id, host: 'h1', attempt: 1, state: 'running' }]);
    await settle();
    expect((await second.store.getJob(job.id)).state).toBe('needs-password');
    const events = await second.store.readEvents(job.id, 0);
    expect(events.map((e) => e.type)).toContain('job:needs-password');
    second.dispatcher.onResult(wa2, result(job.id, 'h1', 1));
    await settle();
    expect(tasks(wa2)).toEqual([]); // h1 finished; nothing new starts without the password
    expect((await second.store.getHost(job.id, 'h1')).state).toBe('succeeded');
    await expect(second.service.resume(job.id, ADMIN)).rejects.toMatchObject({ code: 'JOB_NEEDS_PASSWORD' });
    const view = await second.service.resume(job.id, ADMIN, {
      envelope: sealEnvelope({ password: 'pw' }, [certA.x509]),
    });
    expect(view.state).toBe('running');
    await settle();
    expect(tasks(wa2).map((t) => t.host)).toEqual(['h2']);
    expect(tasks(wa2)[0]?.envelope).toBeDefined();
    const audit = await second.store.readAudit({ subject: job.id });
    expect(audit.map((a) => a.action)).toContain('job.password');
  });

  it('retry of an ended sealed job (its envelope dropped) waits in needs-password until the password is given', async () => {
    const { dispatcher, service, store } = await system();
    const wa = { ...channel('w-aaaaaaa3', 2), certificate: certA };
    await hello(dispatcher, wa);
    const envelope = sealEnvelope({ password: 'pw' }, [certA.x509]);
    const job = await service.submitJob({ targets: 'h[1-2]', command: 'true', envelope }, ADMIN);
    await settle();
    dispatcher.onResult(wa, result(job.id, 'h1', 1));
    dispatcher.onResult(wa, result(job.id, 'h2', 1, 'failed'));
    await settle();
    expect((await store.getJob(job.id)).state).toBe('failed');
    expect(dispatcher.holdsEnvelope(job.id)).toBe(false); // dropped when the job ended
    await service.retry(job.id, ['h2'], ADMIN);
    await settle();
    expect((await store.getJob(job.id)).state).toBe('needs-password');
    expect(tasks(wa).map((t) => `${t.host}#${t.attempt}`)).toEqual(['h1#1', 'h2#1']);
    await service.resume(job.id, ADMIN, { envelope: sealEnvelope({ password: 'pw' }, [certA.x509]) });
    await settle();
    expect(tasks(wa).map((t) => `${t.host}#${t.attempt}`)).toEqual(['h1#1', 'h2#1', 'h2#2']);
    expect((await store.getJob(job.id)).state).toBe('running');
  });

  it('a job that ends while a commit is under way is given up only after its last rows are written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pogo-dispatcher-'));
    dirs.push(dir);
    const real = openSqliteStore(join(dir, 'pogo.db'));
    await real.migrate();
    // Commits wait while `hold` is set: results arriving meanwhile are queued for the next commit.
    let hold: Promise<void> | undefined;
    const store: Store = { ...real, recordProgress: async (b) => (await hold, real.recordProgress(b)) };
    const dispatcher = new Dispatcher({ store, name: 'd1', baseDir: dir, commitDelayMs: 1 });
    await dispatcher.start();
    opened.push({ dispatcher, store: real });
    const service = new ServerService(store, dispatcher);
    const w = channel('w-ending01', 2);
    await hello(dispatcher, w);
    const job = await service.submitJob({ targets: 'h[1-2]', command: 'true' }, ADMIN);
    await settle();
    let release = (): void => undefined;
    hold = new Promise((r) => (release = r));
    dispatcher.onResult(w, result(job.id, 'h1', 1)); // its commit starts and waits
    await settle(20);
    dispatcher.onResult(w, result(job.id, 'h2', 1)); // the job ends in memory; its rows wait for the next commit
    release();
    hold = undefined;
    await settle(200);
    expect(dispatcher.failure).toBeUndefined();
    expect((await real.getJob(job.id)).state).toBe('succeeded');
    expect(w.sent.filter((m) => m.type === 'ack')).toHaveLength(2);
    expect(dispatcher.liveJobCount()).toBe(0);
  });
});
