// Retention: delete the events and output of jobs that finished long ago, a few jobs per transaction.
import type { PruneResult } from '../types.ts';
import type { SqliteConnection } from './connection.ts';

/** Finished states whose data may be pruned (a job in another state is still driven). */
const FINISHED = "('succeeded', 'failed', 'halted')";

/**
 * Prune at most `limit` finished jobs that ended before `endedBefore`: their events and output chunks
 * are deleted, their hosts' output byte counts reset, and the job marked (`pruned_at`, `pruned_seq`).
 */
export function pruneJobData(
  c: SqliteConnection,
  endedBefore: number,
  limit: number,
  now: number,
): PruneResult {
  const ids = (
    c
      .prepare(
        `SELECT id FROM jobs WHERE pruned_at IS NULL AND ended_at IS NOT NULL AND ended_at < ?
         AND state IN ${FINISHED} ORDER BY ended_at, id LIMIT ?`,
      )
      .all(endedBefore, Math.max(0, Math.floor(limit))) as { id: string }[]
  ).map((r) => r.id);
  let events = 0;
  let outputChunks = 0;
  const lastSeq = c.prepareValue('SELECT max(seq) FROM events WHERE job_id = ?');
  const delEvents = c.prepare('DELETE FROM events WHERE job_id = ?');
  const delOutput = c.prepare('DELETE FROM output WHERE job_id = ?');
  const resetHosts = c.prepare('UPDATE hosts SET output_bytes = 0 WHERE job_id = ?');
  const mark = c.prepare('UPDATE jobs SET pruned_at = ?, pruned_seq = max(pruned_seq, ?) WHERE id = ?');
  for (const id of ids) {
    const seq = (lastSeq.get(id) as number | null) ?? 0;
    events += delEvents.run(id).changes;
    outputChunks += delOutput.run(id).changes;
    resetHosts.run(id);
    mark.run(now, seq, id);
  }
  return { jobs: ids.length, events, outputChunks };
}
