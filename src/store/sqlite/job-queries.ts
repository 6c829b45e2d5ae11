// Jobs: create one with all its hosts, read one back, the active ones, counts by state.
import type { JobRecord, JobState } from '../../model/index.ts';
import { JOB_STATES } from '../../model/index.ts';
import { newJobRecord } from '../record-rows.ts';
import type { NewJob } from '../types.ts';
import type { SqliteConnection } from './connection.ts';
import type { JobRow } from './rows.ts';
import { JOB_COLUMNS, jobNotFound, toJobRecord } from './rows.ts';

const INSERT_JOB = `INSERT INTO jobs (id, namespace, user_name, command, targets, state, reason, created_at,
  config_version, options_json, host_count, counts_json, rollback_of)
  VALUES (?, ?, ?, ?, ?, 'pending', '', ?, ?, ?, ?, ?, ?)`;

/** Hosts go in this many to a statement: far fewer round trips through better-sqlite3 for a 100,000-host job. */
const HOST_ROWS_PER_INSERT = 200;

function insertHostsSql(rows: number): string {
  return `INSERT INTO hosts (job_id, idx, host) VALUES ${Array.from({ length: rows }, () => '(?, ?, ?)').join(', ')}`;
}

/** Insert the job and its hosts (all `waiting`, in plan order); call inside a write transaction. */
export function createJob(c: SqliteConnection, job: NewJob): JobRecord {
  const record = newJobRecord(job);
  const counts = record.counts;
  c.prepare(INSERT_JOB).run(
    job.id,
    job.namespace,
    job.user,
    job.command,
    job.targets,
    job.createdAt,
    job.configVersion,
    JSON.stringify(job.options),
    job.hosts.length,
    JSON.stringify(counts),
    job.rollbackOf,
  );
  const hosts = job.hosts;
  const full = c.prepare(insertHostsSql(HOST_ROWS_PER_INSERT));
  const params: unknown[] = new Array<unknown>(HOST_ROWS_PER_INSERT * 3);
  let i = 0;
  for (; i + HOST_ROWS_PER_INSERT <= hosts.length; i += HOST_ROWS_PER_INSERT) {
    for (let k = 0; k < HOST_ROWS_PER_INSERT; k++) {
      params[k * 3] = job.id;
      params[k * 3 + 1] = i + k;
      params[k * 3 + 2] = hosts[i + k];
    }
    full.run(...params);
  }
  const rest = hosts.length - i;
  if (rest > 0) {
    const tail: unknown[] = [];
    for (let k = i; k < hosts.length; k++) tail.push(job.id, k, hosts[k]);
    c.prepare(insertHostsSql(rest)).run(...tail);
  }
  return record;
}

/** The job with id `id`; STORE_NOT_FOUND when there is none. */
export function getJob(c: SqliteConnection, id: string): JobRecord {
  const row = c.prepare(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ?`).get(id) as JobRow | undefined;
  if (row === undefined) throw jobNotFound(id);
  return toJobRecord(row);
}

/** Jobs in `pending` or `running`, oldest first. */
export function activeJobs(c: SqliteConnection): JobRecord[] {
  const rows = c
    .prepare(
      `SELECT ${JOB_COLUMNS} FROM jobs WHERE state IN ('pending', 'running', 'needs-password') ORDER BY created_at, id`,
    )
    .all() as JobRow[];
  return rows.map(toJobRecord);
}

/** How many jobs are in each state (every state present, zero included). */
export function countJobsByState(c: SqliteConnection): Record<JobState, number> {
  const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
  const rows = c.prepare('SELECT state, count(*) AS n FROM jobs GROUP BY state').all() as {
    state: JobState;
    n: number;
  }[];
  for (const r of rows) counts[r.state] = r.n;
  return counts;
}
