// End to end: `pogo run --password-stdin` seals the password to the worker; it never shows up in the store, logs or answers.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostRecord, JobRecord, JobView, Page } from '../src/model/index.ts';
import { makeTestCerts } from './support/certs.ts';
import type { TestCerts } from './support/certs.ts';
import { LAB_START_TIMEOUT_MS, startTestLab } from './support/lab.ts';
import type { TestLab } from './support/lab.ts';
import type { PogoProcess, TestServer } from './support/pogo-server.ts';
import { freePort, spawnPogo, startServer, until } from './support/pogo-server.ts';
import { adminQuery, dropSchema, ensurePostgres, randomSchema, urlWithSchema } from './support/postgres.ts';
import { runPogo } from './support/run-pogo.ts';
import type { PogoRun } from './support/run-pogo.ts';

const HOSTS = 6;

let lab: TestLab;
let dir: string;
let certs: TestCerts;
let password: string;
let server: TestServer;
let worker: PogoProcess;
let ports: { api: number; worker: number };
/** Everything the server answered during the test (bodies), and what the CLI printed. */
const seen: string[] = [];
/** Output of server processes that were stopped (a restart replaces `server`). */
const logs: string[] = [];

async function call<T>(method: string, path: string): Promise<T> {
  const res = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${server.token}` },
  });
  const text = await res.text();
  seen.push(text);
  return (text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T;
}

function serverArgs(): string[] {
  return [
    '--listen', `127.0.0.1:${ports.api}`, '--worker-listen', `127.0.0.1:${ports.worker}`, '--no-worker',
    '--ca', certs.caFile, '--cert', certs.server.certFile, '--key', certs.server.keyFile, '--json-log',
  ]; // prettier-ignore
}

async function pogo(args: string[], input?: string): Promise<PogoRun> {
  const at = args.indexOf('--');
  const flags = ['--server', server.url, '--token', server.token, '--worker-ca', certs.caFile];
  const run = await runPogo(
    at < 0 ? [...args, ...flags] : [...args.slice(0, at), ...flags, ...args.slice(at)],
    {
      cwd: dir,
      ...(input !== undefined ? { input } : {}),
      env: { HOME: join(dir, 'home'), XDG_CONFIG_HOME: join(dir, 'home') },
    },
  );
  seen.push(run.stdout, run.stderr);
  return run;
}

async function waitJob(id: string, states: readonly string[], timeoutMs = 90_000): Promise<JobView> {
  return until(
    async () => {
      const j = await call<JobView>('GET', `/v1/jobs/${id}`);
      return states.includes(j.state) ? j : undefined;
    },
    timeoutMs,
    `job ${id} to be ${states.join('|')}`,
  );
}

/** Every file under `root`, recursively (the data directory: database, WAL, logs, tokens). */
async function filesUnder(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(root, { withFileTypes: true })) {
    const p = join(root, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Whether `bytes` hold the password or its base64. */
function holdsPassword(bytes: Buffer): boolean {
  return [password, Buffer.from(password).toString('base64')].some((n) => bytes.includes(Buffer.from(n)));
}

/** Where the password (or its base64) occurs, as `place` names. */
async function occurrences(): Promise<string[]> {
  const found: string[] = [];
  const check = (place: string, bytes: Buffer): void => {
    if (holdsPassword(bytes)) found.push(place);
  };
  for (const f of await filesUnder(join(dir, 'data'))) check(f, await readFile(f));
  logs.forEach((l, i) => check(`stopped server log ${i}`, Buffer.from(l)));
  check('server log', Buffer.from(server.process.output()));
  check('worker log', Buffer.from(worker.output()));
  seen.forEach((s, i) => check(`answer ${i}`, Buffer.from(s)));
  return found;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-envelope-e2e-'));
  await chmod(dir, 0o755);
  await mkdir(join(dir, 'markers'));
  await chmod(join(dir, 'markers'), 0o777);
  await mkdir(join(dir, 'certs'));
  await mkdir(join(dir, 'home'));
  certs = await makeTestCerts(join(dir, 'certs'));
  lab = await startTestLab(HOSTS);
  password = (await readFile(lab.passwordFile ?? '', 'utf8')).trim();
  ports = { api: await freePort(), worker: await freePort() };
  server = await startServer(join(dir, 'data'), join(dir, 'home'), serverArgs());
  worker = spawnPogo([
    'worker', '--server', `wss://127.0.0.1:${ports.worker}`, '--name', 'w1', '--capacity', '10',
    '--ca', certs.caFile, '--cert', certs.worker.certFile, '--key', certs.worker.keyFile,
    '--ssh-config', lab.sshConfig, '--json-log',
  ]); // prettier-ignore
  try {
    await until(
      async () => ((await call<Page<unknown>>('GET', '/v1/workers')).items.length === 1 ? true : undefined),
      30_000,
      'the worker',
    );
  } catch (e: unknown) {
    throw new Error(`${String(e)}\nserver:\n${server.process.output()}\nworker:\n${worker.output()}`, {
      cause: e,
    });
  }
}, LAB_START_TIMEOUT_MS + 60_000);

afterAll(async () => {
  await worker?.stop();
  await server?.process.stop();
  await lab?.dispose();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('password envelopes end to end (lab sshd, sudo asking for the password)', () => {
  it('a job with --password-stdin answers sudo on every host; the password is nowhere but in memory', async () => {
    expect(password.length).toBeGreaterThan(8);
    // The search itself finds the password where it is (the lab's own password file).
    expect(holdsPassword(await readFile(lab.passwordFile ?? ''))).toBe(true);
    const run = await pogo(
      ['run', '-t', `lab-[0001-000${HOSTS}]`, '--run-as', 'root', '--password-stdin', '--', 'id -u'],
      `${password}\n`,
    );
    expect(run.code, run.stderr).toBe(0);
    const job = await call<JobRecord>('GET', '/v1/jobs/last');
    expect(job).toMatchObject({ state: 'succeeded', options: { sealed: true } });
    const hosts = await call<Page<HostRecord>>('GET', `/v1/jobs/${job.id}/hosts`);
    for (const h of hosts.items) {
      const out = await fetch(`${server.url}/v1/jobs/${job.id}/hosts/${h.host}/output?format=raw`, {
        headers: { authorization: `Bearer ${server.token}` },
      });
      const text = await out.text();
      seen.push(text);
      expect(text).toContain('0');
    }
    await call('GET', `/v1/jobs/${job.id}/events`);
    await call('GET', '/v1/audit');
    await call('GET', '/v1/jobs');
    await call('GET', '/metrics');
    await call('POST', `/v1/jobs/${job.id}/resume`); // an error answer
    expect(await occurrences()).toEqual([]);
  });

  it('after a server restart the job waits in needs-password; resume --password-stdin finishes it, each host once', async () => {
    const marker = `echo run >> ${join(dir, 'markers')}/$POGO_HOST; sleep 1; id -u`;
    const run = await pogo(
      [
        'run',
        '-t',
        `lab-[0001-000${HOSTS}]`,
        '--max-parallel',
        '1',
        '--run-as',
        'root',
        '--password-stdin',
        '--detach',
        '--json',
        '--',
        marker,
      ],
      `${password}\n`,
    );
    expect(run.code, run.stderr).toBe(0);
    const id = (JSON.parse(run.stdout) as { job: string }).job;
    await until(
      async () => ((await call<JobView>('GET', `/v1/jobs/${id}`)).counts.succeeded >= 2 ? true : undefined),
      60_000,
      'two hosts done',
    );
    await server.process.kill9();
    logs.push(server.process.output());
    server = await startServer(join(dir, 'data'), join(dir, 'home'), serverArgs());
    const parked = await waitJob(id, ['needs-password'], 60_000);
    expect(parked.reason).toContain(`pogo resume ${id} --password`);
    const refused = await pogo(['resume', id]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/needs the password again/);
    await until(
      async () => ((await call<Page<unknown>>('GET', '/v1/workers')).items.length === 1 ? true : undefined),
      30_000,
      'the worker back',
    );
    const resumed = await pogo(['resume', id, '--password-stdin'], `${password}\n`);
    expect(resumed.code, resumed.stderr).toBe(0);
    const done = await waitJob(id, ['succeeded', 'failed']);
    expect(done.state).toBe('succeeded');
    expect(done.counts.succeeded).toBe(HOSTS);
    for (let i = 1; i <= HOSTS; i++) {
      const host = `lab-000${i}`;
      expect((await readFile(join(dir, 'markers', host), 'utf8')).trim().split('\n')).toEqual(['run']);
    }
    const events = await call<Page<{ type: string }>>('GET', `/v1/jobs/${id}/events`);
    const types =
      (events as unknown as { items?: { type: string }[] }).items ??
      (events as unknown as { type: string }[]);
    expect(types.map((e) => e.type)).toEqual(
      expect.arrayContaining(['job:needs-password', 'job:password-given']),
    );
    expect(await occurrences()).toEqual([]);
  }, 180_000);
});

describe('the embedded worker (pogo server alone, as on one machine)', () => {
  it('has a certificate from the server’s own CA; pogo run --password-stdin works with the profile and worker CA the first start wrote', async () => {
    const home = join(dir, 'home-embedded');
    await mkdir(home);
    const data = join(dir, 'data-embedded');
    const one = await startServer(data, home, ['--listen', '127.0.0.1:0', '--ssh-config', lab.sshConfig]);
    try {
      expect(one.process.output()).toContain(
        `worker CA for sealed passwords written to ${join(home, '.config', 'pogo', 'worker-ca.pem')}`,
      );
      const env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
      const run = await runPogo(
        ['run', '-t', 'lab-0001,lab-0002', '--run-as', 'root', '--password-stdin', '--json', '--', 'id -u'],
        {
          cwd: dir,
          env,
          input: `${password}\n`,
        },
      );
      expect(run.code, run.stderr).toBe(0);
      expect((await readFile(join(data, 'pki', 'embedded-worker.key'))).length).toBeGreaterThan(0);
      for (const f of [join(data, 'pki', 'ca.key'), join(data, 'pki', 'embedded-worker.key')]) {
        expect(((await stat(f)).mode & 0o777).toString(8)).toBe('600');
      }
      const files = await filesUnder(data);
      for (const f of files) expect(holdsPassword(await readFile(f)), f).toBe(false);
      expect(holdsPassword(Buffer.from(one.process.output() + run.stdout + run.stderr))).toBe(false);
    } finally {
      await one.process.stop();
    }
  }, 120_000);
});

describe('the same on PostgreSQL (pogo server --store postgres://…)', () => {
  it('the password is in no table of the schema, not in PostgreSQL’s WAL, logs or answers', async () => {
    await ensurePostgres();
    const home = join(dir, 'home-pg');
    await mkdir(home);
    const schema = randomSchema('pogo_envelope');
    const data = join(dir, 'data-pg');
    const pg = await startServer(data, home, [
      '--listen', '127.0.0.1:0', '--store', urlWithSchema(schema), '--ssh-config', lab.sshConfig, '--json-log',
    ]); // prettier-ignore
    try {
      const env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
      const run = await runPogo(
        ['run', '-t', 'lab-[0001-0003]', '--run-as', 'root', '--password-stdin', '--', 'id -u'],
        {
          cwd: dir,
          env,
          input: `${password}\n`,
        },
      );
      expect(run.code, run.stderr).toBe(0);
      const jobs = await adminQuery<{ id: string }>(`SELECT id FROM ${schema}.jobs`);
      expect(jobs).toHaveLength(1);
      const jobId = Buffer.from(jobs[0]?.id ?? 'none');
      await adminQuery('CHECKPOINT');
      const dump = await promisify(execFile)(
        'pg_dump',
        ['-h', '127.0.0.1', '-U', 'postgres', '-n', schema, '--data-only', 'test'],
        {
          maxBuffer: 64 << 20,
        },
      );
      expect(dump.stdout).toContain('id -u'); // the dump holds the job
      expect(holdsPassword(Buffer.from(dump.stdout))).toBe(false);
      for (const f of await filesUnder(data)) expect(holdsPassword(await readFile(f)), f).toBe(false);
      expect(holdsPassword(Buffer.from(pg.process.output() + run.stdout + run.stderr))).toBe(false);
      // PostgreSQL's own write-ahead log (readable here as root): the password never reached the server.
      const walDirs = await readdir('/var/lib/postgresql').catch(() => [] as string[]);
      let segments = 0;
      let sawJob = false;
      for (const version of walDirs) {
        const wal = join('/var/lib/postgresql', version, 'main', 'pg_wal');
        for (const f of await readdir(wal).catch(() => [] as string[])) {
          if (!/^[0-9A-F]{24}$/.test(f)) continue;
          const bytes = await readFile(join(wal, f));
          segments++;
          sawJob ||= bytes.includes(jobId);
          expect(holdsPassword(bytes), `${wal}/${f}`).toBe(false);
        }
      }
      // The search reads what the job wrote: its id is in the WAL in clear.
      if (segments > 0) expect(sawJob).toBe(true);
    } finally {
      await pg.process.stop();
      await dropSchema(schema);
    }
  }, 180_000);
});
