// A job's append-only event log: insert with the writer's seq, read after a seq.
import type { EventRecord } from '../../model/index.ts';
import { PogoError } from '../../model/index.ts';
import { joinEvent, splitEvent } from '../event-codec.ts';
import type { SqliteConnection } from './connection.ts';
import { assertJobExists } from './rows.ts';
import { isDuplicateKey } from './sqlite-errors.ts';

/** Events `readEvents` returns when no limit is given. */
const READ_DEFAULT = 1_000;

interface EventRow {
  readonly job_id: string;
  readonly seq: number;
  readonly t: number;
  readonly type: string;
  readonly host: string | null;
  readonly data_json: string;
}

/** Insert events; a (job, seq) already stored is STORE_CONFLICT. Call inside a write transaction. */
export function insertEvents(c: SqliteConnection, events: readonly EventRecord[]): void {
  if (events.length === 0) return;
  const stmt = c.prepare(
    'INSERT INTO events (job_id, seq, t, type, host, data_json) VALUES (?, ?, ?, ?, ?, ?)',
  );
  for (const e of events) {
    const s = splitEvent(e);
    try {
      stmt.run(s.jobId, s.seq, s.t, s.type, s.host, s.dataJson);
    } catch (err: unknown) {
      if (!isDuplicateKey(err)) throw err;
      throw new PogoError('STORE_CONFLICT', `event ${s.seq} of job ${s.jobId} is already stored`, {
        cause: err,
      });
    }
  }
}

/** The highest event seq of the job (0 when none). STORE_NOT_FOUND for an unknown job. */
export function lastEventSeq(c: SqliteConnection, jobId: string): number {
  const seq = c.prepareValue('SELECT max(seq) FROM events WHERE job_id = ?').get(jobId) as number | null;
  // A pruned job's events are gone; its last number is kept so that new events go on from there.
  const pruned = c.prepareValue('SELECT pruned_seq FROM jobs WHERE id = ?').get(jobId) as number | undefined;
  if (pruned === undefined) assertJobExists(c, jobId);
  return Math.max(seq ?? 0, pruned ?? 0);
}

/** Events with seq > `afterSeq`, oldest first, at most `limit`. STORE_NOT_FOUND for an unknown job. */
export function readEvents(
  c: SqliteConnection,
  jobId: string,
  afterSeq: number,
  limit?: number,
): EventRecord[] {
  const n = limit === undefined ? READ_DEFAULT : Math.max(0, Math.floor(limit));
  const rows = c
    .prepare(
      'SELECT job_id, seq, t, type, host, data_json FROM events WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    )
    .all(jobId, afterSeq, n) as EventRow[];
  if (rows.length === 0) assertJobExists(c, jobId);
  return rows.map((r) =>
    joinEvent({ jobId: r.job_id, seq: r.seq, t: r.t, type: r.type, host: r.host, dataJson: r.data_json }),
  );
}
