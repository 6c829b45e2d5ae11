// Jobs: create one with all its hosts, read one back, the active ones, counts by state.
import type { JobRecord, JobState } from '../../model/index.ts';
import { JOB_STATES } from '../../model/index.ts';
import { newJobRecord } from '../record-rows.ts';
import type { NewJob } from '../types.ts';
import { cleanJson } from './nul-text.ts';
import type { Sql } from './pg-connection.ts';
import type { JobRow } from './rows.ts';
import { JOB_COLUMNS, jobNotFound, toJobRecord } from './rows.ts';

const INSERT_JOB = `INSERT INTO jobs (id, namespace, user_name, command, targets, state, reason, created_at,
  config_version, options_json, host_count, counts_json, rollback_of)
  VALUES ($1, $2, $3, $4, $5, 'pending', '', $6, $7, $8, $9, $10, $11)`;

/** Every host in one statement: the names as one array parameter, their plan index from its ordinality. */
const INSERT_HOSTS = `INSERT INTO hosts (job_id, idx, host)
  SELECT $1, u.i - 1, u.h FROM unnest($2::text[]) WITH ORDINALITY AS u(h, i)`;

/** Insert the job and its hosts (all `waiting`, in plan order); call inside a write transaction. */
export async function createJob(s: Sql, job: NewJob): Promise<JobRecord> {
  const record = newJobRecord(job);
  const counts = record.counts;
  await s.run(INSERT_JOB, [
    job.id,
    job.namespace,
    job.user,
    job.command,
    job.targets,
    job.createdAt,
    job.configVersion,
    cleanJson(JSON.stringify(job.options)),
    job.hosts.length,
    JSON.stringify(counts),
    job.rollbackOf,
  ]);
  if (job.hosts.length > 0) await s.run(INSERT_HOSTS, [job.id, job.hosts]);
  return record;
}

/** The job with id `id`; STORE_NOT_FOUND when there is none. */
export async function getJob(s: Sql, id: string): Promise<JobRecord> {
  const row = await s.first<JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = $1`, [id]);
  if (row === undefined) throw jobNotFound(id);
  return toJobRecord(row);
}

/** Jobs in `pending`, `running` or `needs-password`, oldest first. */
export async function activeJobs(s: Sql): Promise<JobRecord[]> {
  const rows = await s.rows<JobRow>(
    `SELECT ${JOB_COLUMNS} FROM jobs WHERE state IN ('pending', 'running', 'needs-password') ORDER BY created_at, id`,
  );
  return rows.map(toJobRecord);
}

/** How many jobs are in each state (every state present, zero included). */
export async function countJobsByState(s: Sql): Promise<Record<JobState, number>> {
  const counts = Object.fromEntries(JOB_STATES.map((st) => [st, 0])) as Record<JobState, number>;
  const rows = await s.rows<{ state: JobState; n: number }>(
    'SELECT state, count(*) AS n FROM jobs GROUP BY state',
  );
  for (const r of rows) counts[r.state] = r.n;
  return counts;
}
