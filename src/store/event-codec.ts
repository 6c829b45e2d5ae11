// Events as a store keeps them: a few indexed columns plus the rest of the payload as JSON, and back.
import type { EventRecord } from '../model/index.ts';

/** An event split into the columns a backend indexes and the payload it keeps as JSON. */
export interface EventColumns {
  readonly jobId: string;
  readonly seq: number;
  readonly t: number;
  readonly type: string;
  readonly host: string | null;
  /** Every other field of the event (`reason`, `exitCode`, `by`, …). */
  readonly dataJson: string;
}

/** The fields kept in columns, not in the JSON payload. */
const COLUMNS: ReadonlySet<string> = new Set(['jobId', 'seq', 't', 'type', 'host']);

/** Split an event for storage; `joinEvent` rebuilds an equal object. */
export function splitEvent(e: EventRecord): EventColumns {
  // A plain loop rather than object rest: this runs for every event of every batch.
  const data: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) if (!COLUMNS.has(k)) data[k] = v;
  const host = 'host' in e ? e.host : null;
  return { jobId: e.jobId, seq: e.seq, t: e.t, type: e.type, host, dataJson: JSON.stringify(data) };
}

/** Rebuild the event `splitEvent` stored. */
export function joinEvent(c: EventColumns): EventRecord {
  const data = JSON.parse(c.dataJson) as Record<string, unknown>;
  const hostField = c.host === null ? {} : { host: c.host };
  return { ...data, type: c.type, t: c.t, ...hostField, seq: c.seq, jobId: c.jobId } as EventRecord;
}
