// Three `pogo server` processes on one PostgreSQL schema: any API serves and steers every job, one server
// drives a namespace (its constraints hold across jobs submitted anywhere), and a killed or frozen owner's
// jobs move to another server within the lease TTL without a host starting twice.
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRecord, HostRecord, JobRecord, JobView, Page } from '../src/model/index.ts';
import type { TestServer } from './support/pogo-server.ts';
import type { PogoProcess } from './support/pogo-server.ts';
import { api, putConfig, spawnPogo, startServer, until, waitForOutput } from './support/pogo-server.ts';
import { adminQuery, dropSchema, ensurePostgres, randomSchema, urlWithSchema } from './support/postgres.ts';
import { runPogo } from './support/run-pogo.ts';
import { readSse } from './support/sse-client.ts';

const NAMES = ['s1', 's2', 's3'];
let dir: string;
let schema: string;
const servers = new Map<string, TestServer>();

function server(name: string): TestServer {
  const s = servers.get(name);
  if (!s) throw new Error(`no server ${name}`);
  return s;
}

async function start(name: string, token?: string, extra: readonly string[] = []): Promise<TestServer> {
  const data = join(dir, name);
  await mkdir(data, { recursive: true });
  // Only the first server makes the admin and its token file; the others share its users.
  if (token !== undefined) await copyFile(join(dir, 's1', 'admin.token'), join(data, 'admin.token'));
  const s = await startServer(data, join(dir, 'home'), [
    '--listen', '127.0.0.1:0', '--store', urlWithSchema(schema), '--name', name,
    '--transport', 'local', '--capacity', '2', '--worker-grace', '8s',
    ...(extra.includes('api') ? [] : ['--insecure-loopback', '--worker-listen', '127.0.0.1:0']), ...extra,
  ]); // prettier-ignore
  servers.set(name, s);
  return s;
}

/** The job's lease owner, read from PostgreSQL itself. */
async function ownerOf(jobId: string): Promise<{ owner: string | null; epoch: number }> {
  const [row] = await adminQuery<{ owner: string | null; epoch: number }>(
    `SELECT lease_owner AS owner, lease_epoch::int AS epoch FROM ${schema}.jobs WHERE id = $1`,
    [jobId],
  );
  return { owner: row?.owner ?? null, epoch: row?.epoch ?? 0 };
}

async function waitState(s: TestServer, id: string, states: string[], ms = 90_000): Promise<JobView> {
  let last: JobView | undefined;
  return until(
    async () => {
      last = await api<JobView>(s, 'GET', `/v1/jobs/${id}`).catch(() => undefined);
      return last && states.includes(last.state) ? last : undefined;
    },
    ms,
    `job ${id} to be ${states.join('|')}`,
  ).catch((e: unknown) => {
    const logs = [...servers.entries()].map(([n, x]) => `--- ${n}\n${x.process.output()}`).join('\n');
    throw new Error(`${String(e)}; last ${JSON.stringify(last)}\n${logs}`, { cause: e });
  });
}

/** Marker lines per host: each run appends one line, so more than one means a host ran twice. */
async function markers(sub: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const d = join(dir, 'markers', sub);
  for (const f of await readdir(d).catch(() => [])) {
    out.set(f, (await readFile(join(d, f), 'utf8')).trim().split('\n'));
  }
  return out;
}

/** The most hosts that ran at once, from the hosts' start and end times. */
function peak(hosts: readonly HostRecord[]): number {
  const points: [number, number][] = [];
  for (const h of hosts) {
    if (h.startedAt === null) continue;
    points.push([h.startedAt, 1], [h.endedAt ?? Number.MAX_SAFE_INTEGER, -1]);
  }
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let n = 0;
  let max = 0;
  for (const [, d] of points) max = Math.max(max, (n += d));
  return max;
}

async function allEvents(s: TestServer, id: string): Promise<readonly EventRecord[]> {
  return (await api<Page<EventRecord>>(s, 'GET', `/v1/jobs/${id}/events?limit=10000`)).items;
}

beforeAll(async () => {
  await ensurePostgres();
  dir = await mkdtemp(join(tmpdir(), 'pogo-cluster-'));
  await mkdir(join(dir, 'home'));
  await mkdir(join(dir, 'markers'));
  schema = randomSchema('pogo_cluster');
  const first = await start('s1');
  await Promise.all(NAMES.slice(1).map((n) => start(n, first.token)));
  const config = ['tag:', "  farm: ['c-[01-12]']", 'constraint:', '  $farm: { max_parallel: 2 }', ''].join(
    '\n',
  );
  await putConfig(first, 'farm', config);
}, 120_000);

afterAll(async () => {
  for (const s of servers.values()) await s.process.stop();
  await rm(dir, { recursive: true, force: true });
  if (schema !== undefined) await dropSchema(schema);
}, 60_000);

describe('three servers on one PostgreSQL', () => {
  it('one server drives a namespace: two jobs submitted on two servers share its limit; any API streams and steers them', async () => {
    await mkdir(join(dir, 'markers', 'shared'));
    const cmd = `echo "$(date +%s%N)" >> ${join(dir, 'markers', 'shared')}/$POGO_HOST; sleep 0.5`;
    const a = await api<JobRecord>(server('s1'), 'POST', '/v1/jobs', {
      namespace: 'farm',
      targets: 'c-[01-06]',
      command: cmd,
      hooks: { pre: false, post: false },
    });
    const b = await api<JobRecord>(server('s2'), 'POST', '/v1/jobs', {
      namespace: 'farm',
      targets: 'c-[07-12]',
      command: cmd,
      hooks: { pre: false, post: false },
    });
    // s3's API streams job b live (through NOTIFY) to its end.
    const stream = readSse(`${server('s3').url}/v1/jobs/${b.id}/events`, server('s3').token, {
      timeoutMs: 90_000,
    });
    // s3 halts job a, which drains; s2 resumes it.
    await until(
      async () =>
        (await api<JobView>(server('s3'), 'GET', `/v1/jobs/${a.id}`)).counts.succeeded >= 1
          ? true
          : undefined,
      60_000,
      'a host of job a done',
    );
    const halted = await api<JobView>(server('s3'), 'POST', `/v1/jobs/${a.id}/halt`, {});
    expect(['running', 'halted']).toContain(halted.state);
    const h = await waitState(server('s1'), a.id, ['halted']);
    expect(h.reason).toBe('halted by admin');
    await api<JobView>(server('s2'), 'POST', `/v1/jobs/${a.id}/resume`, {});
    const endA = await waitState(server('s3'), a.id, ['succeeded', 'failed']);
    const endB = await waitState(server('s1'), b.id, ['succeeded', 'failed']);
    expect([endA.state, endB.state]).toEqual(['succeeded', 'succeeded']);
    const { events, ended } = await stream;
    expect(ended).toBe(true);
    const seqs = events.filter((e) => e.event !== 'end').map((e) => Number(e.id));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(seqs.length).toBe((await allEvents(server('s2'), b.id)).length);
    // One owner drove both (the namespace's), and the limit of 2 held across both jobs.
    expect(server('s2').process.output()).toContain('job left to the namespace’s owner');
    const hostsA = (await api<Page<HostRecord>>(server('s1'), 'GET', `/v1/jobs/${a.id}/hosts`)).items;
    const hostsB = (await api<Page<HostRecord>>(server('s1'), 'GET', `/v1/jobs/${b.id}/hosts`)).items;
    expect(peak([...hostsA, ...hostsB])).toBeLessThanOrEqual(2);
    for (const [host, lines] of await markers('shared')) expect(lines, host).toHaveLength(1);
    // The audit trail names who halted and resumed, whichever server carried it out.
    const audit = await api<{ items: { action: string; subject: string }[] }>(
      server('s2'),
      'GET',
      `/v1/audit?subject=${a.id}`,
    );
    expect(audit.items.map((x) => x.action)).toEqual(
      expect.arrayContaining(['job.submit', 'job.halt', 'job.resume']),
    );
  }, 180_000);

  it('a sealed job submitted to a server that does not drive its namespace is refused, naming the one that does', async () => {
    const busy = await api<JobRecord>(server('s1'), 'POST', '/v1/jobs', {
      namespace: 'sealed',
      targets: 'z-1',
      // Long enough to outlast `pogo run` starting on a loaded machine: the owner is named while it runs.
      command: 'sleep 10',
      hooks: { pre: false, post: false },
    });
    const { owner } = await until(
      async () => {
        const o = await ownerOf(busy.id);
        return o.owner !== null ? o : undefined;
      },
      30_000,
      'an owner',
    );
    const other = NAMES.find((n) => n !== owner && servers.has(n)) as string;
    const run = await runPogo(
      [
        'run', '--server', server(other).url, '--token', server(other).token,
        '--worker-ca', join(dir, other, 'pki', 'ca.crt'), '-n', 'sealed', '-t', 'z-2',
        '--password-stdin', '--', 'true',
      ], // prettier-ignore
      { env: { HOME: join(dir, 'home'), XDG_CONFIG_HOME: join(dir, 'home', '.config') }, input: 'pw\n' },
    );
    expect(run.code, run.stderr).not.toBe(0);
    expect(run.stderr).toContain(`namespace sealed is driven by server ${owner as string}`);
    expect(run.stderr).toContain(`send this request to server ${owner as string}`);
    await waitState(server('s1'), busy.id, ['succeeded']);
  }, 60_000);

  it('kill -9 of the owner: another server takes the job within the lease TTL; no host starts twice', async () => {
    await mkdir(join(dir, 'markers', 'kill'));
    const job = await api<JobRecord>(server('s2'), 'POST', '/v1/jobs', {
      namespace: 'kill',
      targets: 'k-[01-10]',
      command: `echo run >> ${join(dir, 'markers', 'kill')}/$POGO_HOST; sleep 0.6`,
      maxParallel: '4',
      hooks: { pre: false, post: false },
    });
    await until(
      async () =>
        (await api<JobView>(server('s2'), 'GET', `/v1/jobs/${job.id}`)).counts.succeeded >= 2
          ? true
          : undefined,
      60_000,
      'two hosts done',
    );
    const before = await ownerOf(job.id);
    const victim = before.owner as string;
    expect(NAMES).toContain(victim);
    const killedAt = Date.now();
    await server(victim).process.kill9();
    servers.delete(victim);
    const survivor = server(NAMES.find((n) => servers.has(n)) as string);
    const after = await until(
      async () => {
        const o = await ownerOf(job.id);
        return o.owner !== null && o.owner !== victim ? o : undefined;
      },
      30_000,
      'another owner',
    );
    const takeoverMs = Date.now() - killedAt;
    console.log(
      `takeover after kill -9: ${takeoverMs} ms (lease TTL 10 s), epoch ${before.epoch} → ${after.epoch}`,
    );
    expect(takeoverMs).toBeLessThan(12_000);
    expect(after.epoch).toBe(before.epoch + 1);
    const end = await waitState(survivor, job.id, ['succeeded', 'failed', 'halted']);
    // Hosts that ran on the dead server's embedded worker are `lost` (nobody can report them), never rerun.
    const hosts = (await api<Page<HostRecord>>(survivor, 'GET', `/v1/jobs/${job.id}/hosts`)).items;
    const lost = hosts.filter((h) => h.state === 'lost').map((h) => h.host);
    expect(hosts.filter((h) => h.state === 'succeeded').length + lost.length).toBe(10);
    expect(end.counts.succeeded).toBe(10 - lost.length);
    const runs = await markers('kill');
    for (const h of hosts) {
      const lines = runs.get(h.host) ?? [];
      if (h.state === 'succeeded') expect(lines, h.host).toEqual(['run']);
      else expect(lines.length, h.host).toBeLessThanOrEqual(1);
    }
    const events = await allEvents(survivor, job.id);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'host:started')).toHaveLength(10);
    expect(peak(hosts)).toBeLessThanOrEqual(4);
    // The dead server comes back as a new incarnation and serves again.
    await start(victim, server(NAMES.find((n) => servers.has(n)) as string).token);
    expect((await api<JobView>(server(victim), 'GET', `/v1/jobs/${job.id}`)).state).toBe(end.state);
  }, 180_000);

  it('an owner frozen (SIGSTOP) past its lease and resumed does not act on the job again', async () => {
    await mkdir(join(dir, 'markers', 'stop'));
    const job = await api<JobRecord>(server('s3'), 'POST', '/v1/jobs', {
      namespace: 'stop',
      targets: 's-[01-08]',
      command: `echo run >> ${join(dir, 'markers', 'stop')}/$POGO_HOST; sleep 0.6`,
      // Above the frozen server's worker capacity (2): its hosts become lost and hold their slots.
      maxParallel: '4',
      hooks: { pre: false, post: false },
    });
    await until(
      async () =>
        (await api<JobView>(server('s3'), 'GET', `/v1/jobs/${job.id}`)).counts.succeeded >= 1
          ? true
          : undefined,
      60_000,
      'a host done',
    );
    const before = await ownerOf(job.id);
    const frozen = server(before.owner as string);
    frozen.process.child.kill('SIGSTOP');
    const other = server(NAMES.find((n) => n !== before.owner && servers.has(n)) as string);
    await until(
      async () => ((await ownerOf(job.id)).owner !== before.owner ? true : undefined),
      30_000,
      'another owner',
    ).catch((e: unknown) => {
      frozen.process.child.kill('SIGCONT');
      const logs = [...servers.entries()]
        .map(([n, x]) => `--- ${n}\n${x.process.output().slice(-6000)}`)
        .join('\n');
      throw new Error(`${String(e)}\n${logs}`, { cause: e });
    });
    frozen.process.child.kill('SIGCONT');
    const end = await waitState(other, job.id, ['succeeded', 'failed', 'halted']);
    const hosts = (await api<Page<HostRecord>>(other, 'GET', `/v1/jobs/${job.id}/hosts`)).items;
    const runs = await markers('stop');
    for (const h of hosts) expect((runs.get(h.host) ?? []).length, h.host).toBeLessThanOrEqual(1);
    const events = await allEvents(other, job.id);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(new Set(events.filter((e) => e.type === 'host:started').map((e) => e.host)).size).toBe(
      events.filter((e) => e.type === 'host:started').length,
    );
    expect(peak(hosts)).toBeLessThanOrEqual(4);
    expect(['succeeded', 'failed']).toContain(end.state);
    expect(hosts.filter((h) => h.state === 'succeeded' || h.state === 'lost')).toHaveLength(8);
    // The woken server saw it had lost the job and said so; it serves the job's state from the store.
    await until(
      () =>
        Promise.resolve(/lease lost|another server drives/.test(frozen.process.output()) ? true : undefined),
      15_000,
      'the frozen server to notice',
    );
    expect((await api<JobView>(frozen, 'GET', `/v1/jobs/${job.id}`)).state).toBe(end.state);
  }, 180_000);

  it('a worker connected to every server: its hosts outlive their owner’s kill -9 and are reported to the new owner', async () => {
    await mkdir(join(dir, 'markers', 'ext'));
    const live = NAMES.filter((n) => servers.has(n)).map(server);
    const worker: PogoProcess = spawnPogo(
      [
        'worker', '--name', 'ext', '--capacity', String(2 * live.length), '--transport', 'local',
        '--insecure-loopback', ...live.flatMap((x) => ['--server', `ws://127.0.0.1:${x.workerPort}`]),
      ], // prettier-ignore
      { HOME: join(dir, 'home') },
    );
    try {
      // The worker's instances (one per server), as the servers list them.
      const ext = await until(
        async () => {
          const ws = await Promise.all(
            live.map((x) => api<{ items: { name: string; instance: string }[] }>(x, 'GET', '/v1/workers')),
          );
          const mine = ws.map((w) => w.items.find((i) => i.name === 'ext')?.instance);
          return mine.every((m) => m !== undefined) ? new Set(mine) : undefined;
        },
        30_000,
        'the worker on every server',
      );
      const job = await api<JobRecord>(live[0] as TestServer, 'POST', '/v1/jobs', {
        namespace: 'ext',
        targets: 'e-[01-12]',
        command: `echo run >> ${join(dir, 'markers', 'ext')}/$POGO_HOST; sleep 2`,
        maxParallel: '4',
        hooks: { pre: false, post: false },
      });
      // Wait until the external worker runs some of the job's hosts, then kill their server.
      const running = await until(
        async () => {
          const hs = (await api<Page<HostRecord>>(live[0] as TestServer, 'GET', `/v1/jobs/${job.id}/hosts`))
            .items;
          const onExt = hs.filter((h) => h.state === 'running' && h.worker !== null && ext.has(h.worker));
          return onExt.length > 0 ? onExt.map((h) => h.host) : undefined;
        },
        30_000,
        'hosts on the external worker',
      );
      const { owner } = await ownerOf(job.id);
      await server(owner as string).process.kill9();
      servers.delete(owner as string);
      const survivor = server(NAMES.find((n) => servers.has(n)) as string);
      const end = await waitState(survivor, job.id, ['succeeded', 'failed', 'halted']);
      const hosts = (await api<Page<HostRecord>>(survivor, 'GET', `/v1/jobs/${job.id}/hosts`)).items;
      // The hosts the external worker ran through the kill were reported to the new owner: succeeded.
      for (const h of running) expect(hosts.find((x) => x.host === h)?.state, h).toBe('succeeded');
      const runs = await markers('ext');
      for (const h of hosts) expect((runs.get(h.host) ?? []).length, h.host).toBeLessThanOrEqual(1);
      const events = await allEvents(survivor, job.id);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(['succeeded', 'failed']).toContain(end.state);
      await waitForOutput(worker, /connected to dispatcher/);
    } finally {
      await worker.stop();
    }
  }, 180_000);

  it('SIGTERM of the owner (an upgrade): its running hosts finish, its leases are released, another server goes on at once', async () => {
    await mkdir(join(dir, 'markers', 'term'));
    const live = NAMES.filter((n) => servers.has(n));
    const job = await api<JobRecord>(server(live[0] as string), 'POST', '/v1/jobs', {
      namespace: 'term',
      targets: 't-[01-10]',
      command: `echo run >> ${join(dir, 'markers', 'term')}/$POGO_HOST; sleep 1`,
      maxParallel: '2',
      hooks: { pre: false, post: false },
    });
    await until(
      async () =>
        (await api<JobView>(server(live[0] as string), 'GET', `/v1/jobs/${job.id}`)).counts.succeeded >= 2
          ? true
          : undefined,
      60_000,
      'two hosts done',
    );
    const { owner, epoch } = await ownerOf(job.id);
    const stopping = server(owner as string);
    await stopping.process.stop();
    servers.delete(owner as string);
    const stoppedAt = Date.now();
    await until(
      async () => {
        const o = await ownerOf(job.id);
        return o.owner !== null && o.owner !== owner ? true : undefined;
      },
      30_000,
      'another owner',
    );
    const handoverMs = Date.now() - stoppedAt;
    console.log(`handover after SIGTERM: ${handoverMs} ms after the old owner exited`);
    expect(handoverMs).toBeLessThan(3_000);
    const survivor = server(NAMES.find((n) => servers.has(n)) as string);
    const end = await waitState(survivor, job.id, ['succeeded', 'failed', 'halted']);
    // Nothing was lost: the stopping server let its hosts finish and stored their results.
    expect(end.state).toBe('succeeded');
    expect(end.counts.succeeded).toBe(10);
    expect((await ownerOf(job.id)).epoch).toBeGreaterThan(epoch);
    for (const [host, lines] of await markers('term')) expect(lines, host).toEqual(['run']);
    await start(owner as string, survivor.token);
  }, 120_000);

  it('--roles: an API-only server submits and streams jobs that dispatchers drive; a dispatcher-only one serves no API', async () => {
    const token = server(NAMES.find((n) => servers.has(n)) as string).token;
    const apiOnly = await start('api1', token, ['--roles', 'api']);
    const dispatcherOnly = await start('disp1', token, ['--roles', 'dispatcher']);
    expect(apiOnly.process.output()).not.toContain('embedded worker');
    const job = await api<JobRecord>(apiOnly, 'POST', '/v1/jobs', {
      namespace: 'roles',
      targets: 'r-[1-4]',
      command: 'true',
      hooks: { pre: false, post: false },
    });
    const { ended } = await readSse(`${apiOnly.url}/v1/jobs/${job.id}/events`, apiOnly.token, {
      timeoutMs: 60_000,
    });
    expect(ended).toBe(true);
    expect((await waitState(apiOnly, job.id, ['succeeded'])).counts.succeeded).toBe(4);
    const hosts = (await api<Page<HostRecord>>(apiOnly, 'GET', `/v1/jobs/${job.id}/hosts`)).items;
    expect(hosts.every((h) => h.worker !== null && !h.worker.startsWith('api1'))).toBe(true);
    // An action on the API-only server is carried out by the job's owner (retry of a host that succeeded: refused there).
    const res = await fetch(`${apiOnly.url}/v1/jobs/${job.id}/retry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ hosts: ['r-1'] }),
    });
    expect(res.status).toBe(409);
    expect(await res.text()).toMatch(/only failed hosts can be retried/);
    expect((await fetch(`${dispatcherOnly.url}/healthz`)).status).toBe(200);
    const jobs = await fetch(`${dispatcherOnly.url}/v1/jobs`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(jobs.status).toBe(404);
  }, 120_000);

  it('a worker linked to one server runs tasks of a job another server drives; kill -9 of that server moves them on', async () => {
    const token = server(NAMES.find((n) => servers.has(n)) as string).token;
    for (const n of NAMES) if (!servers.has(n)) await start(n, token);
    await mkdir(join(dir, 'markers', 'relay1'));
    await mkdir(join(dir, 'markers', 'relay2'));
    // More hosts at once than all the embedded workers can take (2 each): the external worker gets some.
    const submit = (sub: string, seconds: number): Promise<JobRecord> =>
      api<JobRecord>(server('s1'), 'POST', '/v1/jobs', {
        namespace: 'relay',
        targets: `${sub}-[01-24]`,
        command: `echo run >> ${join(dir, 'markers', sub)}/$POGO_HOST; sleep ${seconds}`,
        maxParallel: '16',
        hooks: { pre: false, post: false },
      });
    const instancesOf = async (s: TestServer, name: string): Promise<string[]> =>
      (await api<{ items: { name: string; instance: string }[] }>(s, 'GET', '/v1/workers')).items
        .filter((w) => w.name === name)
        .map((w) => w.instance);
    const spawnWorker = (name: string, on: readonly TestServer[]): PogoProcess =>
      spawnPogo(
        [
          'worker', '--name', name, '--capacity', String(4 * on.length), '--transport', 'local',
          '--insecure-loopback', ...on.flatMap((x) => ['--server', `ws://127.0.0.1:${x.workerPort}`]),
        ], // prettier-ignore
        { HOME: join(dir, 'home') },
      );
    const checkRun = async (s: TestServer, id: string, sub: string): Promise<readonly HostRecord[]> => {
      const hosts = (await api<Page<HostRecord>>(s, 'GET', `/v1/jobs/${id}/hosts`)).items;
      const runs = await markers(sub);
      for (const h of hosts) {
        if (h.state === 'succeeded') expect(runs.get(h.host), h.host).toEqual(['run']);
        else expect((runs.get(h.host) ?? []).length, h.host).toBeLessThanOrEqual(1);
      }
      expect(peak(hosts)).toBeLessThanOrEqual(16);
      const events = await allEvents(s, id);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.filter((e) => e.type === 'host:started')).toHaveLength(24);
      return hosts;
    };

    // 1. The job is s1's; a worker linked only to s2 runs some of its hosts (through the store's relay).
    const solo = spawnWorker('solo', [server('s2')]);
    try {
      const soloIds = await until(
        async () => {
          const ids = await instancesOf(server('s2'), 'solo');
          return ids.length === 1 ? new Set(ids) : undefined;
        },
        30_000,
        'the worker on s2',
      );
      const first = await submit('relay1', 2);
      const owner = await until(async () => (await ownerOf(first.id)).owner ?? undefined, 30_000, 'an owner');
      expect(owner).toBe('s1');
      const end = await waitState(server('s3'), first.id, ['succeeded', 'failed', 'halted']);
      expect(end.state).toBe('succeeded');
      const hosts = await checkRun(server('s3'), first.id, 'relay1');
      const bySolo = hosts.filter((h) => h.worker !== null && soloIds.has(h.worker));
      console.log(`job of s1: ${bySolo.length} of 24 hosts ran on a worker linked only to s2`);
      expect(bySolo.length).toBeGreaterThan(0);
      const metric = async (s: TestServer, name: string): Promise<number> => {
        const text = await (await fetch(`${s.url}/metrics`)).text();
        return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
      };
      expect(await metric(server('s1'), 'pogo_relay_offered_total')).toBeGreaterThan(0);
      expect(await metric(server('s2'), 'pogo_relay_carried_total')).toBeGreaterThanOrEqual(bySolo.length);
    } finally {
      await solo.stop();
    }

    // 2. A worker linked to s2 and s3 runs hosts of s1's job through s2; s2 dies: its link moves to s3, which
    //    takes the tasks over; they end succeeded, each run once. Hosts of s2's own embedded worker are lost.
    const pair = spawnWorker('pair', [server('s2'), server('s3')]);
    try {
      await until(
        async () => ((await instancesOf(server('s2'), 'pair')).length === 1 ? true : undefined),
        30_000,
        'the pair worker on s2',
      );
      const second = await submit('relay2', 3);
      const viaS2 = await until(
        async () => {
          const ids = new Set(await instancesOf(server('s2'), 'pair'));
          const hs = (await api<Page<HostRecord>>(server('s1'), 'GET', `/v1/jobs/${second.id}/hosts`)).items;
          const on = hs.filter((h) => h.state === 'running' && h.worker !== null && ids.has(h.worker));
          return on.length > 0 ? on.map((h) => h.host) : undefined;
        },
        30_000,
        'hosts of the pair worker’s link to s2',
      );
      await server('s2').process.kill9();
      servers.delete('s2');
      const end = await waitState(server('s1'), second.id, ['succeeded', 'failed', 'halted']);
      const hosts = await checkRun(server('s1'), second.id, 'relay2');
      for (const h of viaS2) expect(hosts.find((x) => x.host === h)?.state, h).toBe('succeeded');
      const lost = hosts.filter((h) => h.state === 'lost');
      for (const h of lost)
        expect(h.message).toMatch(/server s2, whose worker ran it, stopped|did not come back/);
      expect(hosts.filter((h) => h.state === 'succeeded').length + lost.length).toBe(24);
      expect(['succeeded', 'failed']).toContain(end.state);
      console.log(
        `kill -9 of s2: ${viaS2.length} host(s) of the pair worker's link to s2 ended succeeded through s3; ${lost.length} lost (s2's own worker)`,
      );
      await waitForOutput(pair, /connected to dispatcher/);
    } finally {
      await pair.stop();
      await start('s2', token);
    }
  }, 180_000);
});
