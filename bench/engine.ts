// Engine benchmark: buildPlan and a full simulate at 10,000 and 100,000 hosts, one child process per size.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildPlan, hashString, seededRandom, simulate } from '../src/engine/index.ts';
import type { HostOutcome } from '../src/model/index.ts';
import { parseLimit } from '../src/model/index.ts';
import { farmConfig } from './farm-config.ts';

const SIZES = [10_000, 100_000];
const FAILURE_RATE = 0.01;
const SEED = 42;
const TARGET_PLAN_WALL_MS = 1_000;
const TARGET_SIM_CPU_MS = 5_000;
const TARGET_SIM_RSS_MB = 300;

/** What one size measured (printed by the child as JSON). */
interface Measurement {
  readonly hosts: number;
  readonly tags: number;
  readonly groups: number;
  readonly configMs: number;
  readonly plan: Phase;
  readonly sim: Phase & { readonly events: number; readonly makespanMs: number; readonly end: string };
}

interface Phase {
  readonly wallMs: number;
  readonly cpuMs: number;
  /** Peak RSS of the process so far (it only grows). */
  readonly rssMb: number;
}

/** Time `fn`: wall and CPU (user + system) ms, and the process's peak RSS afterwards. */
function measure<T>(fn: () => T): [T, Phase] {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const wallMs = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return [
    value,
    { wallMs, cpuMs: (used.user + used.system) / 1000, rssMb: process.resourceUsage().maxRSS / 1024 },
  ];
}

function runSize(hosts: number): Measurement {
  const [config, built] = measure(() => farmConfig(hosts));
  const maxParallel = { kind: 'count', value: hosts / 100 } as const; // --max-parallel 1000 at 100,000 hosts
  const [plan, planPhase] = measure(() => buildPlan(config, config.hosts, { maxParallel }));
  const random = (host: string, salt: number): number => seededRandom(hashString(host, SEED + salt))();
  const durationMs = (_job: string, host: string): number => 20_000 + Math.floor(random(host, 1) * 100_000);
  const outcome = (_job: string, host: string): HostOutcome =>
    random(host, 2) < FAILURE_RATE ? 'failed' : 'succeeded';
  const maxFailures = parseLimit('5%');
  const [result, simPhase] = measure(() =>
    simulate([{ id: 'bench', plan, maxFailures }], { durationMs, outcome, keepEvents: false }),
  );
  const job = result.jobs[0];
  return {
    hosts,
    tags: config.tags.size,
    groups: config.groups.length,
    configMs: built.wallMs,
    plan: planPhase,
    sim: {
      ...simPhase,
      events: result.eventCount,
      makespanMs: result.makespanMs,
      end: job ? `${job.state} (${job.reason})` : 'no job',
    },
  };
}

/** Run one size in a fresh process, so peak RSS belongs to that size alone. */
function runChild(hosts: number): Measurement {
  const script = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, [...process.execArgv, script, '--size', String(hosts)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`bench child for ${hosts} hosts failed:\n${child.stderr}`);
  return JSON.parse(child.stdout) as Measurement;
}

function verdict(ok: boolean): string {
  return ok ? 'PASS' : 'MISS';
}

function printTable(rows: readonly Measurement[]): void {
  const head = ['hosts', 'step', 'wall ms', 'CPU ms', 'peak RSS MB', 'events', 'target', 'result'];
  const lines: string[][] = [];
  for (const m of rows) {
    const n = m.hosts.toLocaleString('en-US');
    lines.push([
      n,
      'buildPlan',
      m.plan.wallMs.toFixed(0),
      m.plan.cpuMs.toFixed(0),
      m.plan.rssMb.toFixed(0),
      '',
      `wall < ${TARGET_PLAN_WALL_MS} ms`,
      verdict(m.plan.wallMs < TARGET_PLAN_WALL_MS),
    ]);
    lines.push([
      n,
      'simulate',
      m.sim.wallMs.toFixed(0),
      m.sim.cpuMs.toFixed(0),
      m.sim.rssMb.toFixed(0),
      m.sim.events.toLocaleString('en-US'),
      `CPU < ${TARGET_SIM_CPU_MS} ms, RSS < ${TARGET_SIM_RSS_MB} MB`,
      verdict(m.sim.cpuMs < TARGET_SIM_CPU_MS && m.sim.rssMb < TARGET_SIM_RSS_MB),
    ]);
  }
  const widths = head.map((h, c) => Math.max(h.length, ...lines.map((l) => (l[c] ?? '').length)));
  const numeric = new Set([0, 2, 3, 4, 5]);
  const row = (cells: readonly string[]): string =>
    cells
      .map((s, c) => (numeric.has(c) ? s.padStart(widths[c] ?? 0) : s.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  console.log(row(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(row(l));
  console.log();
  for (const m of rows) {
    console.log(
      `${m.hosts.toLocaleString('en-US')} hosts: ${m.tags} tags, ${m.groups} constraint groups, ` +
        `config built in ${m.configMs.toFixed(0)} ms; job ${m.sim.end}, ` +
        `makespan ${(m.sim.makespanMs / 3_600_000).toFixed(2)} h simulated`,
    );
  }
}

const sizeFlag = process.argv.indexOf('--size');
if (sizeFlag > 0) {
  console.log(JSON.stringify(runSize(Number(process.argv[sizeFlag + 1]))));
} else {
  console.log(
    `engine benchmark: max_parallel = 1% of hosts, ${FAILURE_RATE * 100}% failures, max_failures 5%, ` +
      `durations 20–120 s, seed ${SEED}, node ${process.version}\n`,
  );
  printTable(SIZES.map(runChild));
}
