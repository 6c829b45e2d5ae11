// Web UI benchmark in headless Chromium: the job page of a finished 10,000-host job (first meaningful render),
// then 5,000 live events at 1,000/s through the real SSE stream (long tasks over 100 ms).
// Usage: npm run bench:ui   (env: HOSTS=10000 LIVE_HOSTS=3000 PACE_MS=200 LIVE_PARALLEL=150 RUNS=3;
//        PROFILE=load|live prints where the page spent its time; VERBOSE=1 lists long tasks and slow flushes)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { BrowserContext } from 'playwright-core';
import type { JobRecord, JobView } from '../src/model/index.ts';
import { launchChromium, screenshot } from '../test/support/browser.ts';
import { ensureWebBuild } from '../test/support/web-build.ts';

const HOSTS = Number(process.env.HOSTS ?? 10_000);
// 3,000 hosts: 6,000 events, of which 5,000 or more reach the page after its first render.
const LIVE_HOSTS = Number(process.env.LIVE_HOSTS ?? 3_000);
const PACE_MS = Number(process.env.PACE_MS ?? 200);
// 150 at once for 200 ms each: about 500 hosts, so 1,000 events, a second once the dispatcher's overhead is in.
const LIVE_PARALLEL = Number(process.env.LIVE_PARALLEL ?? 150);
const RUNS = Number(process.env.RUNS ?? 3);
const TARGET_FMR_MS = 1_500;
const TARGET_LONG_MS = 100;

/** 100 racks of HOSTS/100 hosts, 10% per rack at once, two halves in order: a plan with slots and groups. */
function farmYaml(hosts: number): string {
  const perRack = Math.ceil(hosts / 100);
  const lines = ['tag:', '  rack:'];
  for (let r = 0; r < 100; r++) {
    const first = r * perRack;
    const last = Math.min(hosts, first + perRack) - 1;
    if (last < first) break;
    lines.push(`    r${String(r).padStart(2, '0')}: ['n[${pad(first)}-${pad(last)}]']`);
  }
  lines.push(
    '  half:',
    `    a: ['n[${pad(0)}-${pad(hosts / 2 - 1)}]']`,
    `    b: ['n[${pad(hosts / 2)}-${pad(hosts - 1)}]']`,
  );
  lines.push('sequence:', '  - [$half.a, $half.b]', 'constraint:', '  $rack: { max_parallel: 10% }', '');
  return lines.join('\n');
}

function f(n: number | undefined): string {
  return (n ?? NaN).toFixed(0);
}

function pad(n: number): string {
  return String(n).padStart(5, '0');
}

async function startServer(dir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'ui-server.ts')], {
    env: { ...process.env, UI_BENCH_DIR: dir, XDG_CONFIG_HOME: join(dir, 'config') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the bench server exited (${code})`)));
  });
  const { url, token } = JSON.parse(line) as { url: string; token: string };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(url + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { url, token, call, stop };
}

async function waitEnded(call: <T>(m: string, p: string) => Promise<T>, id: string): Promise<JobView> {
  for (let i = 0; i < 1200; i++) {
    const j = await call<JobView>('GET', `/v1/jobs/${id}`);
    if (!j.live && ['succeeded', 'failed', 'halted'].includes(j.state)) return j;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`job ${id} did not end`);
}

/** Set the token before the app starts, and record long tasks from the start. */
async function prepare(context: BrowserContext, token: string): Promise<void> {
  // Browser code, as text: it runs in the page before the app.
  await context.addInitScript({
    content: `localStorage.setItem('pogo.token', ${JSON.stringify(token)});
      globalThis.longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) globalThis.longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });`,
  });
}

/** PROFILE=1: the functions that took the most time (self) while the page loaded, from Chrome's CPU profile. */
function printProfile(profile: {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples?: number[];
  timeDeltas?: number[];
}): void {
  const self = new Map<string, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  (profile.samples ?? []).forEach((id, i) => {
    const f = byId.get(id)?.callFrame;
    const key = `${f?.functionName || '(anonymous)'} ${(f?.url ?? '').split('/').pop()}:${f?.lineNumber ?? 0}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas?.[i] ?? 0) / 1000);
  });
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15);
  for (const [name, ms] of top) console.log(`  ${ms.toFixed(1).padStart(7)} ms  ${name}`);
}

async function main(): Promise<void> {
  ensureWebBuild();
  const dir = mkdtempSync(join(tmpdir(), 'pogo-bench-ui-'));
  const server = await startServer(dir);
  const browser = await launchChromium();
  try {
    await server.call('PUT', '/v1/namespaces/farm', { text: farmYaml(HOSTS) });
    const t0 = Date.now();
    const done = await server.call<JobRecord>('POST', '/v1/jobs', {
      namespace: 'farm',
      targets: '$rack',
      command: 'upgrade pace:5',
      maxParallel: '1000',
      hooks: { pre: false, post: false },
    });
    const finished = await waitEnded(server.call, done.id);
    console.log(
      `finished job ${done.id}: ${finished.hostCount} hosts ${finished.state} in ${Date.now() - t0} ms`,
    );

    const fmr: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      await prepare(context, server.token);
      const page = await context.newPage();
      const cdp = process.env.PROFILE === 'load' ? await context.newCDPSession(page) : undefined;
      await cdp?.send('Profiler.enable');
      await cdp?.send('Profiler.start');
      await page.goto(`${server.url}/jobs/${done.id}`);
      await page.waitForFunction(() => performance.getEntriesByName('pogo:job-ready').length > 0, null, {
        timeout: 60_000,
      });
      if (cdp) printProfile((await cdp.send('Profiler.stop')).profile);
      const marks = await page.evaluate(() =>
        ['pogo:snapshot-loaded', 'pogo:job-ready'].map(
          (m) => performance.getEntriesByName(m)[0]?.startTime ?? NaN,
        ),
      );
      fmr.push(marks[1] ?? NaN);
      if (run === 0) await screenshot(page, `bench-ui-${HOSTS}-hosts`);
      console.log(
        `run ${run + 1}: snapshot and plan loaded at ${f(marks[0])} ms, ready at ${f(marks[1])} ms`,
      );
      await context.close();
    }

    // Live: a job whose hosts finish at LIVE_PARALLEL / PACE_MS per second, 2 events each.
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    await prepare(context, server.token);
    const page = await context.newPage();
    const live = await server.call<JobRecord>('POST', '/v1/jobs', {
      namespace: 'farm',
      targets: `n[${pad(0)}-${pad(LIVE_HOSTS - 1)}]`,
      command: `restart pace:${PACE_MS}`,
      maxParallel: String(LIVE_PARALLEL),
      hooks: { pre: false, post: false },
    });
    const cdp = process.env.PROFILE === 'live' ? await context.newCDPSession(page) : undefined;
    await cdp?.send('Profiler.enable');
    await cdp?.send('Profiler.start');
    await page.goto(`${server.url}/jobs/${live.id}`);
    await page.waitForFunction(() => performance.getEntriesByName('pogo:job-ready').length > 0, null, {
      timeout: 60_000,
    });
    const ready = await page.evaluate(
      () => performance.getEntriesByName('pogo:job-ready')[0]?.startTime ?? 0,
    );
    const startApplied = await page.evaluate(
      () => (globalThis as unknown as { pogoJob: { applied: number } }).pogoJob.applied,
    );
    await page.waitForFunction(
      () => (globalThis as unknown as { pogoJob: { ended: boolean } }).pogoJob.ended,
      null,
      { timeout: 120_000, polling: 200 },
    );
    if (cdp) printProfile((await cdp.send('Profiler.stop')).profile);
    const applied = await page.evaluate(
      () => (globalThis as unknown as { pogoJob: { applied: number } }).pogoJob.applied,
    );
    const tasks = await page.evaluate(
      (after: number) =>
        (globalThis as unknown as { longTasks: { start: number; duration: number }[] }).longTasks.filter(
          (t) => t.start > after,
        ),
      ready,
    );
    const slow = await page.evaluate(
      (after: number) =>
        performance
          .getEntriesByType('measure')
          .filter((m) => m.startTime > after)
          .map((m) => `${m.name} at ${m.startTime.toFixed(0)}: ${m.duration.toFixed(0)} ms`),
      ready,
    );
    if (process.env.VERBOSE) {
      const list = tasks.map((t) => `${t.start.toFixed(0)}+${t.duration.toFixed(0)}`).join(' ');
      console.log(`ready at ${ready.toFixed(0)} ms; long tasks: ${list}`);
      console.log(slow.join('\n'));
    }
    await context.close();
    const events = applied - startApplied;
    const ran = await server.call<JobView>('GET', `/v1/jobs/${live.id}`);
    const streamSeconds = ((ran.endedAt ?? 0) - (ran.startedAt ?? 0)) / 1000;
    const over = tasks.filter((t) => t.duration > TARGET_LONG_MS);
    const longest = Math.max(0, ...tasks.map((t) => t.duration));
    const sorted = [...fmr].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
    const rows: [string, string, string][] = [
      [
        `job page first meaningful render, ${HOSTS.toLocaleString('en-US')} finished hosts (median of ${RUNS})`,
        `< ${TARGET_FMR_MS} ms`,
        `${median.toFixed(0)} ms (runs: ${fmr.map((v) => v.toFixed(0)).join(', ')})`,
      ],
      [
        'live: events the page applied from the SSE stream (after its first render)',
        '5,000 at 1,000/s',
        `${applied.toLocaleString('en-US')} (${events.toLocaleString('en-US')}); the job sent ${(applied / streamSeconds).toFixed(0)}/s for ${streamSeconds.toFixed(1)} s`,
      ],
      [
        `long tasks over ${TARGET_LONG_MS} ms while events streamed`,
        '0',
        `${over.length} (long tasks ≥ 50 ms: ${tasks.length}, longest ${longest.toFixed(0)} ms)`,
      ],
    ];
    const w = [0, 1, 2].map((i) =>
      Math.max(...rows.map((r) => r[i]?.length ?? 0), ['measure', 'target', 'measured'][i]?.length ?? 0),
    );
    const line = (r: readonly string[]): string => `| ${r.map((c, i) => c.padEnd(w[i] ?? 0)).join(' | ')} |`;
    console.log(line(['measure', 'target', 'measured']));
    console.log(`|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`);
    for (const r of rows) console.log(line(r));
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
