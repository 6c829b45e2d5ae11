// Reads Ansible inventories of 1,000 to 100,000 hosts as a tag source and prints a table: time to parse the
// file, to work out every host's connection settings, and the whole config load (tags and constraint groups).
// Compared, where it is installed, with `ansible-inventory --list` on the same file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile } from '../src/config/index.ts';
import { parseAnsibleIni } from '../src/config/ansible-ini.ts';
import { connectSettings } from '../src/config/inventory.ts';

const SIZES = (process.env.SIZES ?? '1000,10000,100000').split(',').map(Number);

/** `hosts` hosts in racks of 100 under 10 pods, with vars at the host, rack and pod levels. */
function inventory(hosts: number): string {
  const racks = Math.ceil(hosts / 100);
  const lines: string[] = [];
  for (let r = 0; r < racks; r++) {
    const first = r * 100 + 1;
    const last = Math.min(hosts, first + 99);
    lines.push(
      `[rack${r}]`,
      `h[${String(first).padStart(6, '0')}:${String(last).padStart(6, '0')}].example.com`,
    );
    lines.push(`h${String(first).padStart(6, '0')}.example.com ansible_host=10.0.${r % 256}.1`);
    lines.push(`[rack${r}:vars]`, `ansible_port=${2200 + (r % 10)}`);
  }
  for (let p = 0; p < 10; p++) {
    lines.push(
      `[pod${p}:children]`,
      ...Array.from({ length: racks }, (_, r) => r)
        .filter((r) => r % 10 === p)
        .map((r) => `rack${r}`),
    );
    lines.push(`[pod${p}:vars]`, 'ansible_user=deploy');
  }
  return lines.join('\n') + '\n';
}

function time<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const value = fn();
  return [value, performance.now() - start];
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

function ansibleMs(file: string): string {
  try {
    const start = performance.now();
    execFileSync('ansible-inventory', ['-i', file, '--list'], {
      stdio: ['ignore', 'ignore', 'ignore'],
      maxBuffer: 1 << 30,
    });
    return (performance.now() - start).toFixed(0);
  } catch {
    return 'n/a';
  }
}

const dir = mkdtempSync(join(tmpdir(), 'pogo-bench-inventory-'));
try {
  console.log(
    '| hosts | parse INI ms | connect settings ms | whole config load ms | ansible-inventory --list ms |',
  );
  console.log(
    '| ----: | -----------: | ------------------: | -------------------: | --------------------------: |',
  );
  for (const hosts of SIZES) {
    const file = join(dir, `hosts-${hosts}.ini`);
    writeFileSync(file, inventory(hosts));
    writeFileSync(
      join(dir, `pogo-${hosts}.yaml`),
      `tag:\n  inv: ansible ./hosts-${hosts}.ini\nconstraint:\n  $inv.all: 10%\n`,
    );
    const text = readFileSync(file, 'utf8');
    const [parsed, parseMs] = time(() => parseAnsibleIni(text, file));
    const [connect, connectMs] = time(() => connectSettings(parsed));
    const [config, loadMs] = await timeAsync(() => loadConfigFile(join(dir, `pogo-${hosts}.yaml`)));
    if (typeof connect === 'string' || connect.size !== hosts || config.hosts.length !== hosts) {
      throw new Error(`bench inventory of ${hosts} hosts was not read whole`);
    }
    console.log(
      `| ${hosts} | ${parseMs.toFixed(0)} | ${connectMs.toFixed(0)} | ${loadMs.toFixed(0)} | ${ansibleMs(file)} |`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
