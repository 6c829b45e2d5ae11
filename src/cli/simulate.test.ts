// End-to-end tests of `pogo simulate`: the real CLI as a child process on the examples/ configs.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, runPogo } from '../../test/support/run-pogo.ts';

const WEB = ['simulate', 'examples/web.yaml', '--targets', '$colo'];

interface Summary {
  type: 'summary';
  state: string;
  reason: string;
  makespan: number;
  counts: Record<string, number>;
  peaks: { group: string; limit: number; peak: number }[];
}

function summaryOf(stdout: string): Summary {
  return jsonLines(stdout).at(-1) as unknown as Summary;
}

/** Hosts with a given event type, in trace order. */
function hostsWith(stdout: string, type: string): string[] {
  return jsonLines(stdout)
    .filter((e) => e['type'] === type)
    .map((e) => String(e['host']));
}

describe('pogo simulate', () => {
  it('web.yaml: caches before front ends, trace then makespan, peaks and end state', async () => {
    const r = await runPogo([...WEB, '--duration', '30s']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const lines = r.stdout.split('\n');
    const firstWeb = lines.findIndex((l) => /host:started +web/.test(l));
    const lastCache = lines.findLastIndex((l) => /host:succeeded +cache/.test(l));
    expect(lastCache).toBeGreaterThan(0);
    expect(firstWeb).toBeGreaterThan(lastCache);
    expect(lines[0]).toBe('    0.0s  job:started');
    expect(lines[1]).toBe('    0.0s  host:started     cache1.example.com');
    expect(r.stdout).toContain('  180.0s  job:succeeded    all hosts succeeded');
    expect(r.stdout).toContain('makespan: 3m (180s)');
    expect(r.stdout).toMatch(/\| \$frontend +\| +2 \| +2 \|/);
    expect(r.stdout).toContain('end state: succeeded (all hosts succeeded)\nhosts: 10 succeeded\n');
  });

  it('--json: one object per event without the job key, then a summary with peaks within limits', async () => {
    const r = await runPogo([...WEB, '--duration', '500ms', '--json']);
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    const events = lines.slice(0, -1);
    expect(events[0]).toEqual({ t: 0, type: 'job:started' });
    expect(events[1]).toEqual({ t: 0, type: 'host:started', host: 'cache1.example.com' });
    expect(events[2]).toEqual({ t: 0.5, type: 'host:succeeded', host: 'cache1.example.com' });
    for (const e of events) {
      expect(Object.keys(e).every((k) => ['t', 'type', 'host', 'reason'].includes(k))).toBe(true);
      expect(typeof e['t']).toBe('number');
    }
    expect(events.at(-1)).toEqual({ t: 3, type: 'job:succeeded', reason: 'all hosts succeeded' });
    const summary = summaryOf(r.stdout);
    expect(summary).toMatchObject({ type: 'summary', state: 'succeeded', makespan: 3 });
    expect(summary.counts).toMatchObject({ succeeded: 10, failed: 0, halted: 0 });
    expect(summary.peaks.map((p) => p.group)).toEqual(['frontend', 'cache', 'colo.east', 'colo.west']);
    for (const p of summary.peaks) expect(p.peak).toBeLessThanOrEqual(p.limit);
    expect(summary.peaks.find((p) => p.group === 'frontend')).toEqual({
      group: 'frontend',
      limit: 2,
      peak: 2,
    });
  });

  it('--fail: the named hosts fail, the job ends failed with exit code 1', async () => {
    const r = await runPogo([...WEB, '--fail', 'web03.example.com', '--json']);
    expect(r.code).toBe(1);
    expect(hostsWith(r.stdout, 'host:failed')).toEqual(['web03.example.com']);
    expect(summaryOf(r.stdout)).toMatchObject({ state: 'failed', reason: '1 host failed' });
    expect(summaryOf(r.stdout).counts).toMatchObject({ succeeded: 9, failed: 1 });
  });

  it('--fail takes a target expression ($tag)', async () => {
    const r = await runPogo([...WEB, '--fail', '$cache&$colo.west']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/host:failed +cache2\.example\.com/);
    expect(r.stdout).toContain('end state: failed (1 host failed)');
  });

  it('--fail-rate is deterministic for a seed and independent of start order', async () => {
    const base = ['simulate', 'examples/one.yaml', '--targets', 'n[001-200]', '--fail-rate', '10%', '--json'];
    // Failed hosts keep their slot, so the cap must stay above the failures for every host to run.
    const a = await runPogo([...base, '--seed', '7', '--max-parallel', '50']);
    const b = await runPogo([...base, '--seed', '7', '--max-parallel', '50']);
    const wider = await runPogo([...base, '--seed', '7']);
    const other = await runPogo([...base, '--seed', '8', '--max-parallel', '50']);
    expect(a.code).toBe(1);
    expect(b.stdout).toBe(a.stdout);
    const failed = hostsWith(a.stdout, 'host:failed');
    expect(failed.length).toBeGreaterThan(5);
    expect(failed.length).toBeLessThan(40);
    expect(summaryOf(a.stdout).counts).toMatchObject({
      succeeded: 200 - failed.length,
      failed: failed.length,
    });
    expect(hostsWith(wider.stdout, 'host:failed').sort()).toEqual([...failed].sort());
    expect(hostsWith(other.stdout, 'host:failed')).not.toEqual(failed);
  });

  it('--max-failures 0 halts at the first failure with exit code 2', async () => {
    const r = await runPogo([...WEB, '--fail', 'cache1.example.com', '--max-failures', '0']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/ 10\.0s {2}job:halting +failure budget exhausted\n/);
    expect(r.stdout).toContain('end state: halted (failure budget exhausted)\nhosts: 1 failed, 9 halted\n');
    expect(r.stdout).not.toMatch(/host:started +cache2/);
  });

  it('--durations reads a YAML map with a default; --job-timeout halts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pogo-cli-'));
    try {
      const file = join(dir, 'durations.yaml');
      await writeFile(file, 'default: 1s\ncache1.example.com: 1m\nweb01.example.com: 2.5\n');
      const r = await runPogo([...WEB, '--durations', file, '--json']);
      expect(r.code).toBe(0);
      const done = jsonLines(r.stdout).filter((e) => e['type'] === 'host:succeeded');
      expect(done.slice(0, 3)).toEqual([
        { t: 60, type: 'host:succeeded', host: 'cache1.example.com' },
        { t: 61, type: 'host:succeeded', host: 'cache2.example.com' },
        { t: 62, type: 'host:succeeded', host: 'web02.example.com' },
      ]);
      const timedOut = await runPogo([...WEB, '--durations', file, '--job-timeout', '61500ms']);
      expect(timedOut.code).toBe(2);
      expect(timedOut.stdout).toContain('end state: halted (job timeout)');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
