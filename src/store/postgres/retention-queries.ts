// Retention: delete the events and output of jobs that finished long ago, a few jobs per transaction.
import type { PruneResult } from '../types.ts';
import type { Sql } from './pg-connection.ts';

/**
 * Prune at most `limit` finished jobs that ended before `endedBefore`: their events and output chunks
 * are deleted, their hosts' output byte counts reset, and the job marked (`pruned_at`, `pruned_seq`).
 * The chosen rows are locked (SKIP LOCKED), so two servers pruning at once take different jobs.
 */
export async function pruneJobData(
  s: Sql,
  endedBefore: number,
  limit: number,
  now: number,
): Promise<PruneResult> {
  const ids = (
    await s.rows<{ id: string }>(
      `SELECT id FROM jobs WHERE pruned_at IS NULL AND ended_at IS NOT NULL AND ended_at < $1
       AND state IN ('succeeded', 'failed', 'halted') ORDER BY ended_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [endedBefore, Math.max(0, Math.floor(limit))],
    )
  ).map((r) => r.id);
  if (ids.length === 0) return { jobs: 0, events: 0, outputChunks: 0 };
  await s.run(
    `UPDATE jobs j SET pruned_at = $2, pruned_seq = GREATEST(j.pruned_seq, COALESCE(
       (SELECT max(seq) FROM events e WHERE e.job_id = j.id), 0)) WHERE j.id = ANY($1::text[])`,
    [ids, now],
  );
  const events = await s.run('DELETE FROM events WHERE job_id = ANY($1::text[])', [ids]);
  const outputChunks = await s.run('DELETE FROM output WHERE job_id = ANY($1::text[])', [ids]);
  await s.run('UPDATE hosts SET output_bytes = 0 WHERE job_id = ANY($1::text[])', [ids]);
  return { jobs: ids.length, events, outputChunks };
}
