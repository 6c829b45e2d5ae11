// Relayed tasks and server heartbeats (see postgres/relay-queries.ts); one process holds the file, so no locking.
import type { RelayRowOf, ServerRow } from '../relay-rows.ts';
import {
  RELAY_COLUMNS,
  SERVER_COLUMNS,
  SERVER_ROW_KEEP_MS,
  assignWorkers,
  relayKeyString,
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
import type { SqliteConnection } from './connection.ts';

type RelayRow = RelayRowOf<string>;
const toTask = (r: RelayRow): RelayTask => relayTaskOf(r, (v) => JSON.parse(v) as unknown);

const BY_KEY = 'job_id = ? AND host = ? AND attempt = ?';
const keyParams = (k: RelayKey): [string, string, number] => [k.jobId, k.host, k.attempt];

export function claimRelayTasks(
  c: SqliteConnection,
  carrier: string,
  slots: readonly RelayClaimSlot[],
  now: number,
): RelayTask[] {
  const room = slotRoom(slots);
  if (room === 0) return [];
  const open = c
    .prepare(
      `SELECT job_id, host, attempt FROM relay_tasks WHERE claimed_by IS NULL ORDER BY offered_at, job_id, host LIMIT ?`,
    )
    .all(room) as { job_id: string; host: string; attempt: number }[];
  const picked = assignWorkers(
    open.map((r) => ({ jobId: r.job_id, host: r.host, attempt: r.attempt })),
    slots,
  );
  const claim = c.prepare(
    `UPDATE relay_tasks SET claimed_by = ?, claimed_at = ?, worker = ? WHERE ${BY_KEY} RETURNING ${RELAY_COLUMNS}`,
  );
  return picked.map((p) => toTask(claim.get(carrier, now, p.worker, ...keyParams(p)) as RelayRow));
}

export function adoptRelayTasks(
  c: SqliteConnection,
  carrier: string,
  worker: string,
  keys: readonly RelayKey[],
  now: number,
): RelayKey[] {
  const update = c.prepare(
    `UPDATE relay_tasks SET claimed_by = ?, worker = ?, claimed_at = ? WHERE ${BY_KEY}`,
  );
  const insert = c.prepare(
    `INSERT INTO relay_tasks (job_id, host, attempt, offered_at, claimed_by, worker, claimed_at)
     SELECT job_id, host, attempt, ?, ?, ?, ? FROM hosts WHERE job_id = ? AND host = ? AND attempt = ? AND state = 'running'
     ON CONFLICT (job_id, host, attempt) DO NOTHING`,
  );
  const out: RelayKey[] = [];
  const seen = new Set<string>();
  for (const k of keys) {
    const id = relayKeyString(k);
    if (seen.has(id)) continue;
    seen.add(id);
    const n =
      update.run(carrier, worker, now, ...keyParams(k)).changes ||
      insert.run(now, carrier, worker, now, ...keyParams(k)).changes;
    if (n > 0) out.push({ jobId: k.jobId, host: k.host, attempt: k.attempt });
  }
  return out;
}

export function releaseRelayTasks(c: SqliteConnection, carrier: string, keys: readonly RelayKey[]): void {
  const release = c.prepare(
    `UPDATE relay_tasks SET claimed_by = NULL, worker = NULL, claimed_at = NULL
     WHERE ${BY_KEY} AND claimed_by = ? AND result_json IS NULL`,
  );
  for (const k of keys) release.run(...keyParams(k), carrier);
}

export function cancelRelayTasks(c: SqliteConnection, keys: readonly RelayKey[], reason: string): void {
  const cancel = c.prepare(`UPDATE relay_tasks SET cancel = ? WHERE ${BY_KEY} AND cancel IS NULL`);
  for (const k of keys) cancel.run(reason, ...keyParams(k));
}

export function relayTasksOf(c: SqliteConnection, jobIds: readonly string[]): RelayTask[] {
  if (jobIds.length === 0) return [];
  return (
    c
      .prepare(
        `SELECT ${RELAY_COLUMNS} FROM relay_tasks WHERE job_id IN (SELECT value FROM json_each(?))
         ORDER BY offered_at, job_id, host, attempt`,
      )
      .all(JSON.stringify(jobIds)) as RelayRow[]
  ).map(toTask);
}

export function carriedRelayTasks(c: SqliteConnection, carrier: string): RelayTask[] {
  return (
    c
      .prepare(
        `SELECT ${RELAY_COLUMNS} FROM relay_tasks WHERE claimed_by = ? ORDER BY offered_at, job_id, host, attempt`,
      )
      .all(carrier) as RelayRow[]
  ).map(toTask);
}

export function heartbeat(
  c: SqliteConnection,
  beat: Omit<ServerBeat, 'seenAt' | 'expiresAt'>,
  ttlMs: number,
  now: number,
): ServerBeat[] {
  c.prepare(
    `INSERT INTO dispatch_servers (name, free, offered, seen_at, expires_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET free = excluded.free, offered = excluded.offered,
       seen_at = excluded.seen_at, expires_at = excluded.expires_at`,
  ).run(beat.name, beat.free, beat.offered, now, now + ttlMs);
  c.prepare('DELETE FROM dispatch_servers WHERE expires_at < ?').run(now - SERVER_ROW_KEEP_MS);
  return listServers(c);
}

export function listServers(c: SqliteConnection): ServerBeat[] {
  return (c.prepare(`SELECT ${SERVER_COLUMNS} FROM dispatch_servers ORDER BY name`).all() as ServerRow[]).map(
    serverBeatOf,
  );
}

/** Within recordProgress: offers (a known key is kept), results (a row that has one keeps it), rows done. */
export function writeRelay(
  c: SqliteConnection,
  offers: readonly RelayOffer[],
  results: readonly RelayResultWrite[],
  done: readonly RelayKey[],
): void {
  if (offers.length > 0) {
    const offer = c.prepare(
      'INSERT INTO relay_tasks (job_id, host, attempt, offered_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    for (const o of offers) offer.run(...keyParams(o), o.offeredAt);
  }
  if (results.length > 0) {
    const result = c.prepare(
      `UPDATE relay_tasks SET result_json = ? WHERE ${BY_KEY} AND result_json IS NULL`,
    );
    for (const r of results) result.run(JSON.stringify(r.result), ...keyParams(r));
  }
  if (done.length > 0) {
    const del = c.prepare(`DELETE FROM relay_tasks WHERE ${BY_KEY}`);
    for (const k of done) del.run(...keyParams(k));
  }
}
