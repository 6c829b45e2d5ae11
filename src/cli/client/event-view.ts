// Renders a server job's events: `pogo one`-style host lines, timeline lines for `pogo log`, JSON lines.
import type { EventRecord, HostOutcome } from '../../model/index.ts';
import { HOST_OUTCOMES } from '../../model/index.ts';
import { outcomeLine } from '../one-view.ts';

/** `succeeded` for `host:succeeded`; undefined for events that are not a host outcome. */
export function outcomeOf(type: string): HostOutcome | undefined {
  const outcome = type.startsWith('host:') ? type.slice(5) : '';
  return (HOST_OUTCOMES as readonly string[]).includes(outcome) ? (outcome as HostOutcome) : undefined;
}

/**
 * The line `pogo run` prints for an event, as `pogo one` does (`web01: Running target`, `web01: Failed (exit 3)`,
 * `pogo: halting: …`), plus operator actions; undefined for events it keeps quiet about.
 */
export function liveEventLine(e: EventRecord): string | undefined {
  const by = 'by' in e && e.by ? ` by ${e.by}` : '';
  switch (e.type) {
    case 'host:started':
      return `${e.host}: Running target`;
    case 'host:lost': {
      const reason = (e as { reason?: unknown }).reason;
      return outcomeLine(e.host, 'lost', typeof reason === 'string' ? reason : outcomeMessage(e));
    }
    case 'host:halted':
      return `${e.host}: Halted (${e.reason})`;
    case 'host:retried':
      return `${e.host}: Retry requested${by}`;
    case 'host:skipped':
      return `${e.host}: Skipped${by}`;
    case 'host:requeued':
      return `${e.host}: Requeued (${e.reason})`;
    case 'job:halting':
      return `pogo: halting: ${e.reason} (running hosts finish)`;
    case 'job:halt-requested':
      return `pogo: halt requested${by}${e.kill ? ' (kill running commands)' : ''}`;
    case 'job:resumed':
      return `pogo: resumed${by}`;
    case 'job:needs-password':
      return `pogo: waiting for the password: ${e.reason}`;
    case 'job:password-given':
      return `pogo: password given again${by}`;
    default: {
      const outcome = outcomeOf(e.type);
      if (outcome && 'host' in e) return outcomeLine(e.host, outcome, outcomeMessage(e));
      return undefined;
    }
  }
}

/** `HH:MM:SS type host reason/message` for `pogo log JOB` (local time). */
export function timelineLine(e: EventRecord): string {
  const parts = [clock(e.t), e.type];
  if ('host' in e) parts.push(e.host);
  const detail = eventDetail(e);
  if (detail) parts.push(detail);
  return parts.join(' ');
}

/** What an event says besides its type and host: a reason, the worker's message, who did it. */
export function eventDetail(e: EventRecord): string {
  const words: string[] = [];
  if ('reason' in e && e.reason) words.push(e.reason);
  if (outcomeOf(e.type) && !('reason' in e)) {
    const message = outcomeMessage(e);
    if (message && e.type !== 'host:succeeded') words.push(message);
  }
  if ('by' in e && e.by) words.push(`by ${e.by}`);
  if ('kill' in e && e.kill) words.push('(kill)');
  return words.join(' ');
}

/**
 * One JSON line per event, shaped like `pogo one --json`: `t` (seconds since `origin`), `at`, `type`, the
 * payload, with the worker's `exitCode`/`errorCode` as `exit`/`code`; plus the event's `seq`.
 */
export function eventJson(e: EventRecord, origin: number): string {
  const { type, t, seq, jobId: _jobId, ...rest } = e as EventRecord & Record<string, unknown>;
  const line: Record<string, unknown> = {
    t: Math.round(t - origin) / 1000,
    at: new Date(t).toISOString(),
    type,
    seq,
  };
  for (const [key, value] of Object.entries(rest)) {
    if (key === 'exitCode') line.exit = value;
    else if (key === 'errorCode') line.code = value;
    else line[key] = value;
  }
  return JSON.stringify(line);
}

/** `HH:MM:SS` in local time. */
export function clock(t: number): string {
  const d = new Date(t);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** The worker's message of an outcome event, or one made from its exit code. */
function outcomeMessage(e: EventRecord): string {
  const { message, exitCode } = e as { message?: unknown; exitCode?: unknown };
  if (typeof message === 'string' && message !== '') return message;
  if (typeof exitCode === 'number') return `exit ${exitCode}`;
  return outcomeOf(e.type)?.replace('_', ' ') ?? '';
}
