// recordProgress: a dispatcher's batch of job, host, event and output writes, fenced by lease epoch.
import { PogoError } from '../../model/index.ts';
import type { HostUpdate, JobUpdate, ProgressBatch } from '../types.ts';
import type { SqliteConnection, Statement } from './connection.ts';
import { insertEvents } from './event-queries.ts';
import { appendOutput } from './output-queries.ts';
import { writeRelay } from './relay-queries.ts';
import { hostNotFound, jobNotFound } from './rows.ts';

type Encode = (v: never) => unknown;

/** A field of an update, its column, and how its value is stored. */
type Field<U> = readonly [key: keyof U & string, column: string, encode?: Encode];

const JOB_FIELDS: readonly Field<JobUpdate>[] = [
  ['state', 'state'],
  ['reason', 'reason'],
  ['startedAt', 'started_at'],
  ['endedAt', 'ended_at'],
  ['counts', 'counts_json', (v: object) => JSON.stringify(v)],
];

const HOST_FIELDS: readonly Field<HostUpdate>[] = [
  ['state', 'state'],
  ['attempt', 'attempt'],
  ['startedAt', 'started_at'],
  ['endedAt', 'ended_at'],
  ['exitCode', 'exit_code'],
  ['signal', 'signal'],
  ['message', 'message'],
  ['errorCode', 'error_code'],
  ['worker', 'worker'],
  ['truncated', 'truncated', (v: boolean) => (v ? 1 : 0)],
];

/**
 * Apply `batch`; call inside one write transaction. The epochs are checked before anything is written,
 * so a batch from a dispatcher that lost a lease (LEASE_LOST) leaves no trace; any later failure throws
 * and the transaction rolls the whole batch back.
 */
export function recordProgress(c: SqliteConnection, batch: ProgressBatch): void {
  checkEpochs(c, batch.epochs);
  const jobs = updaters(c).jobs;
  for (const u of batch.jobs) if (jobs.run(u, [u.id]) === 0) throw jobNotFound(u.id);
  const hosts = updaters(c).hosts;
  for (const u of batch.hosts) if (hosts.run(u, [u.jobId, u.host]) === 0) throw hostNotFound(u.jobId, u.host);
  insertEvents(c, batch.events);
  appendOutput(c, batch.output);
  writeRelay(c, batch.relayOffers ?? [], batch.relayResults ?? [], batch.relayDone ?? []);
}

const cache = new WeakMap<SqliteConnection, { jobs: Updater<JobUpdate>; hosts: Updater<HostUpdate> }>();

function updaters(c: SqliteConnection): { jobs: Updater<JobUpdate>; hosts: Updater<HostUpdate> } {
  let u = cache.get(c);
  if (u === undefined) {
    u = {
      jobs: new Updater(c, 'jobs', 'id = ?', JOB_FIELDS),
      hosts: new Updater(c, 'hosts', 'job_id = ? AND host = ?', HOST_FIELDS),
    };
    cache.set(c, u);
  }
  return u;
}

function checkEpochs(c: SqliteConnection, epochs: ReadonlyMap<string, number | null>): void {
  const stmt = c.prepareValue('SELECT lease_epoch FROM jobs WHERE id = ?');
  for (const [jobId, epoch] of epochs) {
    const current = stmt.get(jobId) as number | undefined;
    if (current === undefined) throw jobNotFound(jobId);
    if (epoch !== null && current !== epoch)
      throw new PogoError(
        'LEASE_LOST',
        `job ${jobId}: this writer holds lease epoch ${epoch}, the store is at ${current}; nothing was written`,
      );
  }
}

/** Writes rows of one table, one prepared statement per combination of given fields (keyed by a bit mask). */
class Updater<U extends object> {
  private readonly statements = new Map<number, Statement>();
  private readonly params: unknown[] = [];

  constructor(
    private readonly c: SqliteConnection,
    private readonly table: string,
    private readonly where: string,
    private readonly fields: readonly Field<U>[],
  ) {}

  /** `UPDATE table SET <given fields> WHERE key`; returns the rows changed, or -1 when no field was given. */
  run(u: U, key: readonly unknown[]): number {
    const params = this.params;
    params.length = 0;
    let mask = 0;
    for (let i = 0; i < this.fields.length; i++) {
      const [name, , encode] = this.fields[i] as Field<U>;
      const v = u[name];
      if (v === undefined) continue;
      mask |= 1 << i;
      params.push(encode === undefined ? v : encode(v as never));
    }
    if (mask === 0) return -1;
    for (const k of key) params.push(k);
    return this.statement(mask).run(params).changes;
  }

  private statement(mask: number): Statement {
    let s = this.statements.get(mask);
    if (s === undefined) {
      const sets = this.fields.filter((_, i) => (mask & (1 << i)) !== 0).map(([, column]) => `${column} = ?`);
      s = this.c.prepare(`UPDATE ${this.table} SET ${sets.join(', ')} WHERE ${this.where}`);
      this.statements.set(mask, s);
    }
    return s;
  }
}
