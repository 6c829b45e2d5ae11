// Renders `pogo one`: per-host lines as the original printed them, a live progress line, JSON events, grouped output.
import type { HostCounts } from '../engine/index.ts';
import type { HostOutcome, PogoEvent } from '../model/index.ts';
import { HOST_STATES } from '../model/index.ts';
import type { HostTaskResult } from '../worker/index.ts';
import { renderOutputText } from '../worker/index.ts';
import { foldHosts } from './host-ranges.ts';

/** `host2: Success`, `host2: Failed (exit 3)`, … for a finished host. */
export function resultLine(host: string, r: HostTaskResult): string {
  return outcomeLine(host, r.outcome, r.message);
}

/** The line of a host that ended with `outcome`; `message` is the worker's one-line reason (`exit 3`). */
export function outcomeLine(host: string, outcome: HostOutcome, message: string): string {
  switch (outcome) {
    case 'succeeded':
      return `${host}: Success`;
    case 'failed':
      return `${host}: Failed (${message})`;
    case 'timed_out':
      return `${host}: Timed out (${message})`;
    case 'unreachable':
      return `${host}: Unreachable (${message})`;
    case 'lost':
      return `${host}: Lost (${message})`;
  }
}

/** `counts: 12 succeeded, 1 failed, 187 waiting` in state order, zero counts left out. */
export function countsLine(counts: HostCounts): string {
  const parts = HOST_STATES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return parts.join(', ') || 'no hosts';
}

/** One JSON line per engine event, shaped like `pogo simulate --json` plus `at` (ISO time) and result details. */
export function eventJson(e: PogoEvent, startedAt: number, result?: HostTaskResult): string {
  const { type, t, ...rest } = e;
  const line: Record<string, unknown> = {
    t: Math.round(t - startedAt) / 1000,
    at: new Date(t).toISOString(),
    type,
  };
  Object.assign(line, rest);
  if (result && type !== 'host:started') {
    line.exit = result.exitCode;
    if (result.signal) line.signal = result.signal;
    line.message = result.message;
    if (result.errorCode) line.code = result.errorCode;
  }
  return JSON.stringify(line);
}

/** A live progress line: counts by state, hosts/s, ETA. */
export function progressLine(counts: HostCounts, total: number, elapsedMs: number): string {
  const done = total - counts.waiting - counts.ready - counts.running;
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const left = total - done;
  const eta = rate > 0 && left > 0 ? ` · ETA ${formatEta(left / rate)}` : '';
  return `[${done}/${total}] ${countsLine(counts)} · ${rate.toFixed(1)} hosts/s${eta}`;
}

function formatEta(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600)
    return `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Host output grouped by identical text (dshbak -c): a header with the folded host list and count, then the
 * output once. Groups in order of first appearance.
 */
export function groupedOutput(results: ReadonlyMap<string, HostTaskResult>): string {
  const groups = new Map<string, string[]>();
  for (const [host, r] of results) {
    const text = renderOutputText(r.output);
    const hosts = groups.get(text) ?? [];
    hosts.push(host);
    groups.set(text, hosts);
  }
  const out: string[] = [];
  for (const [text, hosts] of groups) {
    const rule = '-'.repeat(16);
    const n = hosts.length === 1 ? '' : ` (${hosts.length} hosts)`;
    out.push(
      rule,
      `${foldHosts(hosts).join(',')}${n}`,
      rule,
      text === '' ? '(no output)' : text.replace(/\n$/, ''),
    );
  }
  return out.join('\n') + '\n';
}
