// Flags of `pogo one` as commander hands them over, and the parsers for its counts and sizes.
import { usageError } from './flags.ts';

export interface OneFlags {
  readonly config?: string;
  readonly targets?: string;
  readonly runCommand?: string;
  readonly transport: string;
  readonly sshConfig?: string;
  readonly user?: string;
  readonly identity: string[];
  readonly acceptNew?: boolean;
  readonly connectRate: string;
  readonly password?: boolean;
  readonly passwordStdin?: boolean;
  readonly runAs?: string;
  readonly file?: string;
  readonly retries: string;
  readonly retryDelay: string;
  readonly timeout: string;
  readonly jobTimeout?: string;
  readonly maxParallel?: string;
  readonly maxFailures?: string;
  readonly hooks: boolean;
  readonly preDir: string;
  readonly postDir: string;
  readonly pre: string[];
  readonly post: string[];
  readonly outputCap: string;
  readonly output?: boolean;
  readonly namespace?: string;
  readonly json?: boolean;
}

/** A non-negative integer flag. */
export function parseCount(flag: string, raw: string): number {
  if (!/^\s*\d+\s*$/.test(raw)) throw usageError(`${flag}: "${raw}" is not a whole number`);
  return Number(raw);
}

const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  kib: 1024,
  m: 1e6,
  mb: 1e6,
  mib: 1 << 20,
  g: 1e9,
  gb: 1e9,
  gib: 1 << 30,
};

/** `1MiB`, `64KiB`, `500k`, `1048576` → bytes. */
export function parseByteSize(flag: string, raw: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw);
  const unit = UNITS[(m?.[2] ?? '?').toLowerCase()];
  if (!m || unit === undefined)
    throw usageError(`${flag}: "${raw}" is not a size`, 'write e.g. 1MiB, 64KiB or 500000');
  return Math.floor(Number(m[1]) * unit);
}
