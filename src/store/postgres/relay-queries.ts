// Relayed tasks (offered by a job's owner, claimed and run by another server's worker) and server heartbeats.
import type { RelayRowOf, ServerRow } from '../relay-rows.ts';
import {
  RELAY_COLUMNS,
  SERVER_COLUMNS,
  SERVER_ROW_KEEP_MS,
  assignWorkers,
  relayTaskOf,
  serverBeatOf,
  slotRoom,
} from '../relay-rows.ts';
import type {
  RelayClaimSlot,
  RelayKey,
  RelayOffer,
  RelayResultWrite,
  RelayTask,
  ServerBeat,
} from '../types.ts';
import type { Sql } from './pg-connection.ts';

type RelayRow = RelayRowOf<unknown>;
const toTask = (r: RelayRow): RelayTask => relayTaskOf(r, (v) => v);

/** unnest($n, $n+1, $n+2) of keys, as `u(job_id, host, attempt)`. */
const keyArrays = (keys: readonly RelayKey[]): unknown[] => [
  keys.map((k) => k.jobId),
  keys.map((k) => k.host),
  keys.map((k) => k.attempt),
];

/** RELAY_COLUMNS of the table aliased `r` (an UPDATE … FROM whose other source has columns of the same names). */
const RELAY_COLUMNS_OF_R = RELAY_COLUMNS.split(', ')
  .map((c) => `r.${c}`)
  .join(', ');

const MATCH = 'r.job_id = u.job_id AND r.host = u.host AND r.attempt = u.attempt';

export async function claimRelayTasks(
  s: Sql,
  carrier: string,
  slots: readonly RelayClaimSlot[],
  now: number,
): Promise<RelayTask[]> {
  const room = slotRoom(slots);
  if (room === 0) return [];
  const open = await s.rows<{ job_id: string; host: string; attempt: number }>(
    `SELECT job_id, host, attempt FROM relay_tasks WHERE claimed_by IS NULL
     ORDER BY offered_at, job_id, host LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [room],
  );
  const picked = assignWorkers(
    open.map((r) => ({ jobId: r.job_id, host: r.host, attempt: r.attempt })),
    slots,
  );
  if (picked.length === 0) return [];
  const rows = await s.rows<RelayRow>(
    `UPDATE relay_tasks AS r SET claimed_by = $1, claimed_at = $2, worker = u.worker
     FROM unnest($3::text[], $4::text[], $5::integer[], $6::text[]) AS u(job_id, host, attempt, worker)
     WHERE ${MATCH} RETURNING ${RELAY_COLUMNS_OF_R}`,
    [carrier, now, ...keyArrays(picked), picked.map((p) => p.worker)],
  );
  return rows.map(toTask).sort((a, b) => a.offeredAt - b.offeredAt);
}

export async function adoptRelayTasks(
  s: Sql,
  carrier: string,
  worker: string,
  keys: readonly RelayKey[],
  now: number,
): Promise<RelayKey[]> {
  if (keys.length === 0) return [];
  type K = { job_id: string; host: string; attempt: number };
  const updated = await s.rows<K>(
    `UPDATE relay_tasks AS r SET claimed_by = $1, worker = $2, claimed_at = $3
     FROM unnest($4::text[], $5::text[], $6::integer[]) AS u(job_id, host, attempt)
     WHERE ${MATCH} RETURNING r.job_id, r.host, r.attempt`,
    [carrier, worker, now, ...keyArrays(keys)],
  );
  const inserted = await s.rows<K>(
    `INSERT INTO relay_tasks (job_id, host, attempt, offered_at, claimed_by, worker, claimed_at)
     SELECT u.job_id, u.host, u.attempt, $3, $1, $2, $3
     FROM unnest($4::text[], $5::text[], $6::integer[]) AS u(job_id, host, attempt)
     JOIN hosts h ON h.job_id = u.job_id AND h.host = u.host AND h.state = 'running' AND h.attempt = u.attempt
     ON CONFLICT (job_id, host, attempt) DO NOTHING
     RETURNING job_id, host, attempt`,
    [carrier, worker, now, ...keyArrays(keys)],
  );
  return [...updated, ...inserted].map((r) => ({ jobId: r.job_id, host: r.host, attempt: r.attempt }));
}

export async function releaseRelayTasks(s: Sql, carrier: string, keys: readonly RelayKey[]): Promise<void> {
  if (keys.length === 0) return;
  await s.run(
    `UPDATE relay_tasks AS r SET claimed_by = NULL, worker = NULL, claimed_at = NULL
     FROM unnest($2::text[], $3::text[], $4::integer[]) AS u(job_id, host, attempt)
     WHERE ${MATCH} AND r.claimed_by = $1 AND r.result_json IS NULL`,
    [carrier, ...keyArrays(keys)],
  );
}

export async function cancelRelayTasks(s: Sql, keys: readonly RelayKey[], reason: string): Promise<void> {
  if (keys.length === 0) return;
  await s.run(
    `UPDATE relay_tasks AS r SET cancel = $1
     FROM unnest($2::text[], $3::text[], $4::integer[]) AS u(job_id, host, attempt)
     WHERE ${MATCH} AND r.cancel IS NULL`,
    [reason, ...keyArrays(keys)],
  );
}

export async function relayTasksOf(s: Sql, jobIds: readonly string[]): Promise<RelayTask[]> {
  if (jobIds.length === 0) return [];
  const rows = await s.rows<RelayRow>(
    `SELECT ${RELAY_COLUMNS} FROM relay_tasks WHERE job_id = ANY($1::text[]) ORDER BY offered_at, job_id, host, attempt`,
    [jobIds],
  );
  return rows.map(toTask);
}

export async function carriedRelayTasks(s: Sql, carrier: string): Promise<RelayTask[]> {
  const rows = await s.rows<RelayRow>(
    `SELECT ${RELAY_COLUMNS} FROM relay_tasks WHERE claimed_by = $1 ORDER BY offered_at, job_id, host, attempt`,
    [carrier],
  );
  return rows.map(toTask);
}

export async function heartbeat(
  s: Sql,
  beat: Omit<ServerBeat, 'seenAt' | 'expiresAt'>,
  ttlMs: number,
  now: number,
): Promise<ServerBeat[]> {
  await s.run(
    `INSERT INTO dispatch_servers AS d (name, free, offered, seen_at, expires_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (name) DO UPDATE SET free = $2, offered = $3, seen_at = $4, expires_at = $5`,
    [beat.name, beat.free, beat.offered, now, now + ttlMs],
  );
  await s.run('DELETE FROM dispatch_servers WHERE expires_at < $1', [now - SERVER_ROW_KEEP_MS]);
  return listServers(s);
}

export async function listServers(s: Sql): Promise<ServerBeat[]> {
  return (await s.rows<ServerRow>(`SELECT ${SERVER_COLUMNS} FROM dispatch_servers ORDER BY name`)).map(
    serverBeatOf,
  );
}

/** Within recordProgress: offers (a known key is kept), results (a row that has one keeps it), rows done. */
export async function writeRelay(
  s: Sql,
  offers: readonly RelayOffer[],
  results: readonly RelayResultWrite[],
  done: readonly RelayKey[],
): Promise<void> {
  if (offers.length > 0) {
    await s.run(
      `INSERT INTO relay_tasks (job_id, host, attempt, offered_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::integer[], $4::bigint[])
       ON CONFLICT (job_id, host, attempt) DO NOTHING`,
      [...keyArrays(offers), offers.map((o) => o.offeredAt)],
    );
  }
  if (results.length > 0) {
    await s.run(
      `UPDATE relay_tasks AS r SET result_json = u.result
       FROM unnest($1::text[], $2::text[], $3::integer[], $4::jsonb[]) AS u(job_id, host, attempt, result)
       WHERE ${MATCH} AND r.result_json IS NULL`,
      [...keyArrays(results), results.map((r) => JSON.stringify(r.result))],
    );
  }
  if (done.length > 0) {
    await s.run(
      `DELETE FROM relay_tasks AS r USING unnest($1::text[], $2::text[], $3::integer[]) AS u(job_id, host, attempt)
       WHERE ${MATCH}`,
      keyArrays(done),
    );
  }
}
