// Runs one command and measures it as a client: wall time, CPU of the whole process tree, peak tree memory (PSS).
// Usage: tsx bench/measure.ts LABEL -- COMMAND ARGS…   Prints one JSON line on stdout.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/**
 * Memory of `pid` and every descendant, read from /proc: proportional set size (PSS), so pages that forked
 * processes share (Ansible's forks, pdsh's ssh children) count once in total, not once per process.
 */
function treeUsage(pid: number): { pss: number } {
  let pss = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop() as number;
    try {
      const rollup = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      pss += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) * 1024;
      for (const t of readdirSync(`/proc/${p}/task`)) {
        const kids = readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim();
        if (kids) stack.push(...kids.split(' ').map(Number));
      }
    } catch {
      // the process ended between listing and reading
    }
  }
  return { pss };
}

const [label = 'command', sep, ...cmd] = process.argv.slice(2);
if (sep !== '--' || cmd.length === 0) {
  process.stderr.write('usage: tsx bench/measure.ts LABEL -- COMMAND ARGS…\n');
  process.exit(64);
}
const start = performance.now();
// GNU time reports the CPU of the command and every descendant it waited for.
const child = spawn('/usr/bin/time', ['-f', '%U %S', '--', ...(cmd as [string, ...string[]])], {
  stdio: ['ignore', 'ignore', 'pipe'],
});
let stderr = '';
child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
let peakPss = 0;
const sampler = setInterval(() => {
  if (child.pid) peakPss = Math.max(peakPss, treeUsage(child.pid).pss);
}, 50);
const code: number = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));
clearInterval(sampler);
const wallMs = performance.now() - start;
const times = stderr.trim().split('\n').at(-1)?.split(' ').map(Number) ?? [];
const cpuMs = ((times[0] ?? NaN) + (times[1] ?? NaN)) * 1000;
process.stdout.write(JSON.stringify({ label, code, wallMs, cpuMs, peakMemMb: peakPss / 1048576 }) + '\n');
if (code !== 0) process.stderr.write(stderr.split('\n').slice(-20).join('\n') + '\n');
