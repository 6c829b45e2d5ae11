// Renders a simulation: the event trace, makespan, peaks per constraint group, end state; or JSON lines.
import type { Plan, SimEvent, SimResult } from '../engine/index.ts';
import { JOB_GROUP_ID } from '../engine/index.ts';
import type { HostCounts } from '../engine/index.ts';
import { HOST_STATES } from '../model/index.ts';
import type { JobState } from '../model/index.ts';
import { renderBoxTable } from './box-table.ts';
import type { LineBuffer } from './cli-io.ts';
import { formatDuration, formatSeconds, secondsDecimals } from './duration.ts';

/** Width of the event-type column: the longest type, `host:unreachable`, and one space. */
const TYPE_WIDTH = 17;

/** One constraint group's most hosts out of service at once, against its limit. */
export interface PeakRow {
  /** The group id as in `pogo schedule --json` (`@job` for the job's own max_parallel). */
  readonly group: string;
  readonly label: string;
  readonly limit: number;
  readonly peak: number;
}

/** What a simulation ended with, for the summary and the exit code. */
export interface SimOutcome {
  readonly state: JobState;
  readonly reason: string;
  readonly makespanMs: number;
  readonly counts: HostCounts;
  readonly peaks: readonly PeakRow[];
}

/** The job's end and the peak of every group of its plan (0 for groups no host started in), in plan order. */
export function simOutcome(plan: Plan, jobId: string, result: SimResult): SimOutcome {
  const job = result.jobs.find((j) => j.id === jobId);
  if (!job) throw new Error(`simulation has no job ${jobId}`);
  const byKey = new Map(result.peaks.map((p) => [p.key, p.peak]));
  const peaks = plan.groups.map((g) => ({
    group: g.id,
    label: g.label,
    limit: g.limit,
    peak: byKey.get(g.id === JOB_GROUP_ID ? `${JOB_GROUP_ID}/${jobId}` : g.id) ?? 0,
  }));
  return { state: job.state, reason: job.reason, makespanMs: result.makespanMs, counts: job.counts, peaks };
}

/** The human trace: one aligned line per event, `  12.0s  host:started     web01`. */
export function writeTrace(events: readonly SimEvent[], makespanMs: number, out: LineBuffer): void {
  const decimals = secondsDecimals(events.map((e) => e.t));
  const timeWidth = formatSeconds(makespanMs, decimals).length;
  for (const e of events) {
    const detail = 'host' in e ? e.host : 'reason' in e ? e.reason : '';
    const line = `  ${formatSeconds(e.t, decimals).padStart(timeWidth)}  ${e.type.padEnd(TYPE_WIDTH)}${detail}`;
    out.line(line.trimEnd());
  }
}

/** Makespan, the peaks table and the end state with counts by host state. */
export function writeSummary(outcome: SimOutcome, out: LineBuffer): void {
  out.line();
  const seconds = outcome.makespanMs / 1000;
  out.line(`makespan: ${formatDuration(outcome.makespanMs)}${seconds >= 60 ? ` (${seconds}s)` : ''}`);
  if (outcome.peaks.length > 0) {
    out.line();
    const table = renderBoxTable({
      title: 'Peak hosts out of service',
      header: ['Group', 'Limit', 'Peak'],
      rows: outcome.peaks.map((p) => [p.label, String(p.limit), String(p.peak)]),
      alignRight: [1, 2],
    });
    for (const l of table.trimEnd().split('\n')) out.line(l);
  }
  out.line();
  out.line(`end state: ${outcome.state} (${outcome.reason})`);
  out.line(`hosts: ${formatCounts(outcome.counts)}`);
}

/** `8 succeeded, 2 failed`: the non-zero counts in state order. */
export function formatCounts(counts: HostCounts): string {
  const parts = HOST_STATES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length ? parts.join(', ') : 'none';
}

/** One JSON line per event: `{"t": seconds, "type", "host"?, "reason"?, "by"?}` (the job id is dropped). */
export function writeEventLines(events: readonly SimEvent[], out: LineBuffer): void {
  for (const e of events) {
    const line: Record<string, string | number> = { t: e.t / 1000, type: e.type };
    if ('host' in e) line['host'] = e.host;
    if ('reason' in e) line['reason'] = e.reason;
    if ('by' in e && e.by !== undefined) line['by'] = e.by;
    out.line(JSON.stringify(line));
  }
}

/** The last JSON line: `{"type":"summary","state","reason","makespan":seconds,"counts","peaks"}`. */
export function writeSummaryLine(outcome: SimOutcome, out: LineBuffer): void {
  out.line(
    JSON.stringify({
      type: 'summary',
      state: outcome.state,
      reason: outcome.reason,
      makespan: outcome.makespanMs / 1000,
      counts: outcome.counts,
      peaks: outcome.peaks.map((p) => ({ group: p.group, limit: p.limit, peak: p.peak })),
    }),
  );
}
