// Text of the lab's Pogo config: tag `lab` with racks of ten and cache/web roles, a sequence and constraints.
import { labHostRange } from './host-names.ts';

/** Hosts per rack tag. */
const RACK_SIZE = 10;

/** A run of host numbers (1-based, inclusive). */
interface HostRun {
  readonly from: number;
  readonly to: number;
}

/** How a lab of `count` hosts is split: racks of ten, and the first 5% (at least one) as caches. */
export function labLayout(count: number): { racks: HostRun[]; cache: HostRun; web: HostRun | undefined } {
  const racks: HostRun[] = [];
  for (let from = 1; from <= count; from += RACK_SIZE) {
    racks.push({ from, to: Math.min(count, from + RACK_SIZE - 1) });
  }
  // At least one cache, and at least one web host once there are two hosts.
  const caches = Math.max(1, Math.min(Math.floor(count / 20), count - 1));
  return {
    racks,
    cache: { from: 1, to: caches },
    web: caches < count ? { from: caches + 1, to: count } : undefined,
  };
}

/** The lab's pogo.yaml for `count` hosts on 127.0.0.1:`port`. */
export function renderLabPogoConfig(count: number, dir: string, port: number): string {
  const { racks, cache, web } = labLayout(count);
  // Patterns go in quotes: `[` is not allowed in a plain value inside a YAML flow list.
  const list = (run: HostRun | undefined): string =>
    run ? `['${labHostRange(run.from, run.to, count)}']` : '[]';
  const rackWidth = Math.max(2, String(racks.length).length);
  return [
    `# Pogo config of the SSH lab in ${dir} (${count} hosts on 127.0.0.1:${port}), written by pogo lab up.`,
    'namespace: lab',
    'tag:',
    '  lab:',
    '    rack:',
    ...racks.map((run, i) => `      r${String(i + 1).padStart(rackWidth, '0')}: ${list(run)}`),
    '    role:',
    `      cache: ${list(cache)}`,
    `      web: ${list(web)}`,
    'sequence:',
    '  - [$lab.role.cache, $lab.role.web] # caches before web servers',
    'constraint:',
    '  $lab.rack: 50% # at most half of each rack at once',
    '  $lab.role.cache: 1 # one cache at a time',
    '',
  ].join('\n');
}
