// A job's append-only event log: insert with the writer's seq, read after a seq.
import type { EventRecord } from '../../model/index.ts';
import { PogoError } from '../../model/index.ts';
import { joinEvent, splitEvent } from '../event-codec.ts';
import type { Sql } from './pg-connection.ts';
import { cleanJson } from './nul-text.ts';
import { isDuplicateKey } from './pg-errors.ts';
import { assertJobExists } from './rows.ts';

/** Events `readEvents` returns when no limit is given. */
const READ_DEFAULT = 1_000;

/** All events of a batch in one statement, one array parameter per column. */
const INSERT_EVENTS = `INSERT INTO events (job_id, seq, t, type, host, data_json)
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::jsonb[])`;

interface EventRow {
  readonly job_id: string;
  readonly seq: number;
  readonly t: number;
  readonly type: string;
  readonly host: string | null;
  readonly data_json: string;
}

/** Insert events; a (job, seq) already stored, or twice in the batch, is STORE_CONFLICT. Call inside a write transaction. */
export async function insertEvents(s: Sql, events: readonly EventRecord[]): Promise<void> {
  if (events.length === 0) return;
  const cols: unknown[][] = [[], [], [], [], [], []];
  for (const e of events) {
    const c = splitEvent(e);
    cols[0]?.push(c.jobId);
    cols[1]?.push(c.seq);
    cols[2]?.push(c.t);
    cols[3]?.push(c.type);
    cols[4]?.push(c.host);
    cols[5]?.push(cleanJson(c.dataJson));
  }
  try {
    await s.run(INSERT_EVENTS, cols);
  } catch (err: unknown) {
    if (!isDuplicateKey(err)) throw err;
    // detail: `Key (job_id, seq)=(j-1, 7) already exists.`
    const key = /\)=\((.*), (\d+)\)/.exec(err.detail ?? '');
    const what = key ? `event ${key[2]} of job ${key[1]}` : 'an event of this batch';
    throw new PogoError('STORE_CONFLICT', `${what} is already stored`, { cause: err });
  }
}

/** The highest event seq of the job (0 when none). STORE_NOT_FOUND for an unknown job. */
export async function lastEventSeq(s: Sql, jobId: string): Promise<number> {
  // A pruned job's events are gone; its last number is kept so that new events go on from there.
  const row = await s.first<{ seq: number | null; pruned: number | null }>(
    `SELECT (SELECT max(seq) FROM events WHERE job_id = $1) AS seq,
            (SELECT pruned_seq FROM jobs WHERE id = $1) AS pruned`,
    [jobId],
  );
  if (row?.pruned == null) await assertJobExists(s, jobId);
  return Math.max(row?.seq ?? 0, row?.pruned ?? 0);
}

/** Events with seq > `afterSeq`, oldest first, at most `limit`. STORE_NOT_FOUND for an unknown job. */
export async function readEvents(
  s: Sql,
  jobId: string,
  afterSeq: number,
  limit?: number,
): Promise<EventRecord[]> {
  const n = limit === undefined ? READ_DEFAULT : Math.max(0, Math.floor(limit));
  const rows = await s.rows<EventRow>(
    `SELECT job_id, seq, t, type, host, data_json::text AS data_json FROM events
     WHERE job_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [jobId, afterSeq, n],
  );
  if (rows.length === 0) await assertJobExists(s, jobId);
  return rows.map((r) =>
    joinEvent({ jobId: r.job_id, seq: r.seq, t: r.t, type: r.type, host: r.host, dataJson: r.data_json }),
  );
}
