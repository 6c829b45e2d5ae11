// recordProgress: a dispatcher's batch of job, host, event and output writes, fenced by lease epoch.
import { PogoError } from '../../model/index.ts';
import type { HostUpdate, JobUpdate, ProgressBatch } from '../types.ts';
import type { UpdateTable } from './bulk-update.ts';
import { applyUpdates } from './bulk-update.ts';
import { insertEvents } from './event-queries.ts';
import { appendOutput } from './output-queries.ts';
import type { Sql } from './pg-connection.ts';
import { writeRelay } from './relay-queries.ts';
import { hostNotFound, jobNotFound } from './rows.ts';

const JOBS: UpdateTable<JobUpdate> = {
  name: 'jobs',
  keys: [['id', 'id', 'text']],
  fields: [
    ['state', 'state', 'text'],
    ['reason', 'reason', 'text'],
    ['startedAt', 'started_at', 'bigint'],
    ['endedAt', 'ended_at', 'bigint'],
    ['counts', 'counts_json', 'jsonb', (v: object) => JSON.stringify(v)],
  ],
};

const HOSTS: UpdateTable<HostUpdate> = {
  name: 'hosts',
  keys: [
    ['jobId', 'job_id', 'text'],
    ['host', 'host', 'text'],
  ],
  fields: [
    ['state', 'state', 'text'],
    ['attempt', 'attempt', 'integer'],
    ['startedAt', 'started_at', 'bigint'],
    ['endedAt', 'ended_at', 'bigint'],
    ['exitCode', 'exit_code', 'integer'],
    ['signal', 'signal', 'text'],
    ['message', 'message', 'text'],
    ['errorCode', 'error_code', 'text'],
    ['worker', 'worker', 'text'],
    ['truncated', 'truncated', 'boolean'],
  ],
};

/**
 * Apply `batch`; call inside one write transaction. The job rows of `epochs` are locked and their epochs
 * checked before anything is written, so a batch from a dispatcher that lost a lease (LEASE_LOST) leaves
 * no trace, and no lease can change hands until this batch commits; any later failure throws and the
 * transaction rolls the whole batch back.
 */
export async function recordProgress(s: Sql, batch: ProgressBatch): Promise<void> {
  await checkEpochs(s, batch.epochs);
  const job = await applyUpdates(s, JOBS, batch.jobs);
  if (job !== undefined) throw jobNotFound(job.id);
  const host = await applyUpdates(s, HOSTS, batch.hosts);
  if (host !== undefined) throw hostNotFound(host.jobId, host.host);
  await insertEvents(s, batch.events);
  await appendOutput(s, batch.output);
  await writeRelay(s, batch.relayOffers ?? [], batch.relayResults ?? [], batch.relayDone ?? []);
}

/**
 * Lock the batch's job rows (in id order: no deadlock between writers; output appends of one host attempt
 * are serialised by it) and compare their epochs, except where the batch gives none (null).
 */
async function checkEpochs(s: Sql, epochs: ReadonlyMap<string, number | null>): Promise<void> {
  if (epochs.size === 0) return;
  const rows = await s.rows<{ id: string; lease_epoch: number }>(
    'SELECT id, lease_epoch FROM jobs WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE',
    [[...epochs.keys()]],
  );
  const current = new Map(rows.map((r) => [r.id, r.lease_epoch]));
  for (const [jobId, epoch] of epochs) {
    const at = current.get(jobId);
    if (at === undefined) throw jobNotFound(jobId);
    if (epoch !== null && at !== epoch)
      throw new PogoError(
        'LEASE_LOST',
        `job ${jobId}: this writer holds lease epoch ${epoch}, the store is at ${at}; nothing was written`,
      );
  }
}
