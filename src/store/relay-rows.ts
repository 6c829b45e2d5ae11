// Rows of the relay tables (relay_tasks, dispatch_servers) and their records, for both dialects.
import type { RelayClaimSlot, RelayKey, RelayResult, RelayTask, ServerBeat } from './types.ts';

/** A relay_tasks row; `result_json` as the dialect returns it (text in SQLite, parsed in PostgreSQL). */
export interface RelayRowOf<J> {
  readonly job_id: string;
  readonly host: string;
  readonly attempt: number;
  readonly offered_at: number;
  readonly claimed_by: string | null;
  readonly worker: string | null;
  readonly claimed_at: number | null;
  readonly cancel: string | null;
  readonly result_json: J | null;
}

export const RELAY_COLUMNS =
  'job_id, host, attempt, offered_at, claimed_by, worker, claimed_at, cancel, result_json';

/** The record of a relay row, given how the dialect decodes a JSON column. */
export function relayTaskOf<J>(r: RelayRowOf<J>, json: (v: J) => unknown): RelayTask {
  return {
    jobId: r.job_id,
    host: r.host,
    attempt: r.attempt,
    offeredAt: r.offered_at,
    claimedBy: r.claimed_by,
    worker: r.worker,
    claimedAt: r.claimed_at,
    cancel: r.cancel,
    result: r.result_json === null ? null : (json(r.result_json) as RelayResult),
  };
}

export interface ServerRow {
  readonly name: string;
  readonly free: number;
  readonly offered: number;
  readonly seen_at: number;
  readonly expires_at: number;
}

export const SERVER_COLUMNS = 'name, free, offered, seen_at, expires_at';

/** How long an expired server's row is kept (owners use it to tell how long a carrier has been gone). */
export const SERVER_ROW_KEEP_MS = 24 * 3600_000;

export function serverBeatOf(r: ServerRow): ServerBeat {
  return { name: r.name, free: r.free, offered: r.offered, seenAt: r.seen_at, expiresAt: r.expires_at };
}

/** Claimed rows' workers: each slot takes up to its `free` rows, in turn, so work spreads over the workers. */
export function assignWorkers<K extends RelayKey>(
  rows: readonly K[],
  slots: readonly RelayClaimSlot[],
): (K & { worker: string })[] {
  const left = slots.map((s) => ({ worker: s.worker, free: Math.max(0, Math.floor(s.free)) }));
  const out: (K & { worker: string })[] = [];
  let i = 0;
  for (const row of rows) {
    let tries = 0;
    while (tries < left.length && (left[i % left.length]?.free ?? 0) === 0) {
      i++;
      tries++;
    }
    const slot = left[i % left.length];
    if (slot === undefined || slot.free === 0) break;
    slot.free--;
    i++;
    out.push({ ...row, worker: slot.worker });
  }
  return out;
}

/** Total room of the slots (the claim's LIMIT). */
export function slotRoom(slots: readonly RelayClaimSlot[]): number {
  return slots.reduce((n, s) => n + Math.max(0, Math.floor(s.free)), 0);
}

/** A key as one string, for sets and maps. */
export function relayKeyString(k: RelayKey): string {
  return `${k.jobId}\u0000${k.host}\u0000${k.attempt}`;
}
