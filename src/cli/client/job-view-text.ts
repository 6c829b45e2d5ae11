// Renders a job for `pogo status` (metadata, state, counts, blocking groups) and its hosts as a table.
import type { HostRecord, JobRecord, JobState, JobView } from '../../model/index.ts';
import { renderBoxTable } from '../box-table.ts';
import { formatDuration } from '../duration.ts';
import { EXIT_CODES, exitCodeForJob } from '../exit-codes.ts';
import { countsLine } from '../one-view.ts';

/** `pogo status` exit code: 0 succeeded, 1 failed, 2 halted, 3 not ended yet (pending, running, needs-password). */
export function exitCodeForStatus(state: JobState): number {
  return state === 'pending' || state === 'running' || state === 'needs-password'
    ? EXIT_CODES.running
    : exitCodeForJob(state);
}

/** The job's metadata as `key  value` lines. */
export function renderJobStatus(view: JobView): string {
  const rows: [string, string][] = [
    ['job', view.id],
    ['state', stateText(view)],
    [
      'namespace',
      `${view.namespace}${view.configVersion === null ? '' : ` (config v${view.configVersion})`}`,
    ],
    ['user', view.user],
    ['command', commandText(view)],
    ['targets', view.targets],
  ];
  if (view.rollbackOf) rows.push(['rollback of', view.rollbackOf]);
  rows.push(['created', timestamp(view.createdAt)]);
  if (view.startedAt !== null) rows.push(['started', timestamp(view.startedAt)]);
  if (view.endedAt !== null) {
    // Tenths of a second: the milliseconds of a run are noise.
    const ran = formatDuration(Math.round((view.endedAt - (view.startedAt ?? view.createdAt)) / 100) * 100);
    rows.push(['ended', `${timestamp(view.endedAt)} (ran ${ran})`]);
  }
  rows.push(['hosts', `${view.hostCount}: ${countsLine(view.counts)}`]);
  if (view.blocking.length > 0) rows.push(['blocking', view.blocking.join(', ')]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n') + '\n';
}

/** `running`, `halted (failure budget exhausted)`, `running, draining (halting: …)`. */
export function stateText(view: JobView): string {
  const reason = view.reason ? ` (${view.reason})` : '';
  const draining = view.draining ? ', draining: running hosts finish' : '';
  return `${view.state}${reason}${draining}`;
}

/** The command as the operator wrote it; a `--file` job shows its script and arguments. */
export function commandText(job: JobRecord): string {
  const file = job.options?.task?.file;
  if (!file) return job.command;
  const words = [`--file ${file.name}`, ...file.args, job.command].filter((w) => w !== '');
  return words.join(' ');
}

/** A box table of hosts: name, state, attempt, exit code, message, worker. */
export function renderHostTable(hosts: readonly HostRecord[], title: string): string {
  return renderBoxTable({
    title,
    header: ['host', 'state', 'attempt', 'exit', 'message'],
    alignRight: [2, 3],
    rows: hosts.map((h) => [
      h.host,
      h.state,
      String(h.attempt),
      h.exitCode === null ? (h.signal ?? '') : String(h.exitCode),
      h.message,
    ]),
  });
}

/** `2024-05-01 14:03:07` in local time. */
export function timestamp(t: number): string {
  const d = new Date(t);
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`
  );
}

/** The `pogo jobs` table: id (short), user, state, succeeded/failed/total, namespace, created, command. */
export function renderJobsTable(jobs: readonly JobRecord[]): string {
  return renderBoxTable({
    header: ['id', 'user', 'state', 'succ/failed/total', 'namespace', 'created', 'command'],
    alignRight: [3],
    rows: jobs.map((j) => [
      shortId(j.id),
      j.user,
      j.state,
      `${j.counts.succeeded}/${failedCount(j)}/${j.hostCount}`,
      j.namespace,
      timestamp(j.createdAt).slice(0, 16),
      ellipsis(commandText(j), 50),
    ]),
  });
}

/** The first 8 characters of an id: enough to name it (`pogo status PREFIX` takes a unique prefix). */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** Hosts that ran and did not succeed. */
function failedCount(j: JobRecord): number {
  return j.counts.failed + j.counts.unreachable + j.counts.timed_out + j.counts.lost;
}

function ellipsis(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length <= max ? line : line.slice(0, max - 1) + '…';
}
