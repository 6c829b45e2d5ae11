// Prints the SSH benchmark's table and ratios from bench/measure.ts JSON lines, with the targets it aims for.
import { readFileSync } from 'node:fs';

interface Row {
  readonly label: string;
  readonly code: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly peakMemMb: number;
}

const [file = '', hostsArg = '1000', fanout = '200'] = process.argv.slice(2);
const hosts = Number(hostsArg);
const rows = readFileSync(file, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Row);

const pad = (s: string, n: number): string => s.padEnd(n);
const num = (n: number, d = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
console.log(
  `\nSSH benchmark: ${num(hosts)} lab hosts, fan-out ${fanout}; client = the tool and every process it started`,
);
console.log(
  `${pad('tool', 16)} ${pad('command', 9)} ${'exit'.padStart(4)} ${'wall s'.padStart(8)} ${'CPU ms/host'.padStart(12)} ${'peak MB'.padStart(8)}`,
);
for (const r of rows) {
  const [tool = '', cmd = ''] = r.label.split('|');
  console.log(
    `${pad(tool, 16)} ${pad(cmd, 9)} ${String(r.code).padStart(4)} ${num(r.wallMs / 1000, 1).padStart(8)} ${num(r.cpuMs / hosts, 1).padStart(12)} ${num(r.peakMemMb).padStart(8)}`,
  );
}
const get = (tool: string, cmd: string): Row | undefined => rows.find((r) => r.label === `${tool}|${cmd}`);
console.log('\nratios and targets');
for (const cmd of [...new Set(rows.map((r) => r.label.split('|')[1] ?? ''))]) {
  const pogo = get('pogo', cmd);
  const pdsh = get('pdsh', cmd);
  const raw = get('ansible raw', cmd);
  if (!pogo) continue;
  const check = (name: string, ok: boolean, detail: string): void =>
    console.log(`  ${pad(`'${cmd}'`, 10)} ${pad(name, 34)} ${pad(detail, 34)} ${ok ? 'MET' : 'MISSED'}`);
  if (pdsh) {
    check('wall ≤ pdsh', pogo.wallMs <= pdsh.wallMs, `${num(pogo.wallMs / pdsh.wallMs, 2)}× pdsh's wall`);
    check(
      'CPU/host ≤ 1/3 of pdsh',
      pogo.cpuMs * 3 <= pdsh.cpuMs,
      `${num(pogo.cpuMs / pdsh.cpuMs, 2)}× pdsh's CPU`,
    );
  }
  if (raw)
    check(
      '≥ 3× faster than Ansible raw',
      raw.wallMs >= 3 * pogo.wallMs,
      `${num(raw.wallMs / pogo.wallMs, 1)}× faster`,
    );
  check(`peak memory ≤ 150 MB`, pogo.peakMemMb <= 150, `${num(pogo.peakMemMb)} MB`);
}
