// The UI's read models on a real SQLite store: a job's plan by index, output digests, a namespace's use.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HostRecord } from '../model/index.ts';
import type { Store } from '../store/index.ts';
import { openSqliteStore } from '../store/index.ts';
import { ConfigCache } from './config-cache.ts';
import { JobInsight } from './job-insight.ts';
import { planFor } from './job-plan.ts';

const CONFIG = readFileSync(new URL('../../examples/web.yaml', import.meta.url), 'utf8');
const opened: { store: Store; dir: string }[] = [];

afterEach(async () => {
  for (const o of opened.splice(0)) {
    await o.store.close();
    rmSync(o.dir, { recursive: true, force: true });
  }
});

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'pogo-insight-'));
  const store = openSqliteStore(join(dir, 'pogo.db'));
  opened.push({ store, dir });
  await store.migrate();
  await store.putNamespace('web', CONFIG, 'alice', 1);
  const configs = new ConfigCache({ store, baseDir: dir });
  const config = await configs.get('web', 1);
  const plan = planFor(config, config.hosts, { maxParallel: '3', rollback: false });
  const job = await store.createJob({
    id: 'aaaaaaaaaaaa',
    namespace: 'web',
    user: 'alice',
    command: 'uptime',
    targets: '$colo',
    createdAt: 1,
    configVersion: 1,
    options: {
      maxParallel: '3',
      task: {
        command: 'uptime',
        hooks: { pre: false, post: false, preDir: '/p', postDir: '/q', inlinePre: [], inlinePost: [] },
        timeoutMs: 1000,
        retries: 0,
        retryDelayMs: 0,
        outputCapBytes: 1 << 20,
      },
    },
    rollbackOf: null,
    hosts: plan.hosts,
  });
  const lease = await store.acquireLease(job.id, 'd1', 60_000, 2);
  const epochs = new Map([[job.id, lease?.epoch ?? 0]]);
  /** Hosts run with the given state and output. */
  const run = async (hosts: readonly [string, HostRecord['state'], string][]) =>
    store.recordProgress({
      epochs,
      jobs: [],
      hosts: hosts.map(([host, state]) => ({
        jobId: job.id,
        host,
        state,
        attempt: 1,
        startedAt: 10,
        endedAt: state === 'running' ? null : 20,
      })),
      events: [],
      output: hosts
        .filter(([, , text]) => text !== '')
        .map(([host, , text]) => ({
          jobId: job.id,
          host,
          attempt: 1,
          seq: 0,
          t: 15,
          stream: 'stdout' as const,
          source: 'command',
          data: Buffer.from(text),
        })),
    });
  return { store, insight: new JobInsight(store, configs), job, plan, run };
}

describe('JobInsight', () => {
  it("gives a job's plan with host indices in plan order and each group's member hosts", async () => {
    const { insight, job, plan } = await setup();
    const view = await insight.jobPlan(job.id);
    expect(view.hosts).toEqual(plan.hosts);
    expect(view.threads[0]?.slots.map((s) => s.label)).toEqual(['$cache', '$frontend']);
    const cacheSlot = view.threads[0]?.slots[0]?.hosts.map((i) => view.hosts[i]);
    expect(cacheSlot).toEqual(['cache1.example.com', 'cache2.example.com']);
    const frontend = view.groups.find((g) => g.id === 'frontend');
    expect(frontend).toMatchObject({ limit: 2, spec: '25%' });
    expect(frontend?.hosts.map((i) => view.hosts[i])).toEqual(plan.hosts.filter((h) => h.startsWith('web')));
    expect(view.groups.find((g) => g.id === '@job')).toMatchObject({ limit: 3, spec: '3' });
    expect(view.groups.find((g) => g.id === '@job')?.hosts).toHaveLength(10);
  });

  it('groups hosts by identical output, largest first; hosts that did not run are only counted', async () => {
    const { insight, job, run } = await setup();
    await run([
      ['cache1.example.com', 'succeeded', 'ok\n'],
      ['cache2.example.com', 'failed', 'disk full\n'],
      ['web01.example.com', 'succeeded', 'ok\n'],
      ['web02.example.com', 'succeeded', 'ok\n'],
      ['web03.example.com', 'succeeded', ''],
    ]);
    const first = await insight.outputGroups(job.id);
    expect(first.notRun).toBe(5);
    expect(first.groups.map((g) => [g.hosts, g.bytes])).toEqual([
      [['cache1.example.com', 'web01.example.com', 'web02.example.com'], 3],
      [['cache2.example.com'], 10],
      [['web03.example.com'], 0],
    ]);
    expect(new Set(first.groups.map((g) => g.digest)).size).toBe(3);
    // web03 writes more later (a running host is hashed again): it joins the "ok" group.
    await run([['web03.example.com', 'succeeded', 'ok\n']]);
    const again = await insight.outputGroups(job.id);
    expect(again.groups[0]?.hosts).toContain('web03.example.com');
    expect(again.groups[0]?.digest).toBe(first.groups[0]?.digest);
  });

  it("shows a namespace's hosts, tags and what its active jobs hold of each group", async () => {
    const { insight, run } = await setup();
    await run([
      ['web01.example.com', 'running', ''],
      ['web05.example.com', 'failed', ''],
      ['cache1.example.com', 'succeeded', ''],
    ]);
    const o = await insight.namespaceOverview('web');
    expect(o).toMatchObject({ namespace: 'web', version: 1, user: 'alice' });
    expect(o.hosts).toHaveLength(10);
    expect(o.tags.find((t) => t.path === 'colo.east')?.hosts).toContain('cache1.example.com');
    const byId = Object.fromEntries(o.groups.map((g) => [g.id, g]));
    expect(byId.frontend).toMatchObject({ limit: 2, hosts: 8, running: 1, failed: 1 });
    expect(byId['colo.east']).toMatchObject({ running: 1, failed: 0 });
    expect(byId['colo.west']).toMatchObject({ running: 0, failed: 1 });
    expect(byId.cache).toMatchObject({ running: 0, failed: 0 });
    expect(o.jobs).toEqual([{ id: 'aaaaaaaaaaaa', user: 'alice', state: 'pending', running: 1, failed: 1 }]);
  });
});
