// Taking a stored job up: its driver rebuilt from the store, its running hosts matched with workers and the relay.
import type { JobRecord } from '../model/index.ts';
import type { Store } from '../store/index.ts';
import type { TaskKey } from '../worker/index.ts';
import type { JobBook } from './job-book.ts';
import type { JobDriver } from './job-driver.ts';
import type { JobLoader } from './job-loader.ts';
import type { Logger } from './logger.ts';
import type { Relay } from './relay.ts';
import type { WorkerSlot } from './task-board.ts';
import type { TaskDelivery } from './task-delivery.ts';
import { lostDetail } from './task-delivery.ts';

/** What adoption needs of its dispatcher. */
export interface JobAdoptionHost {
  /** Take or renew the namespace's lease; false when another server decides for it. */
  ensure(namespace: string): Promise<boolean>;
  /** Several servers on one store: tasks handed between them. */
  relay(): Relay | undefined;
}

export interface JobAdoptionOptions {
  readonly store: Store;
  /** The jobs driven here (adoption adds to it). */
  readonly book: JobBook;
  readonly loader: JobLoader;
  readonly delivery: TaskDelivery;
  readonly log: Logger;
  readonly now: () => number;
}

/**
 * One adoption at a time per job (a second rollout on the ledger would take the running hosts' slots
 * twice), and a job being launched counts as one: a takeover scan that hears of it waits instead.
 */
export class JobAdoption {
  private readonly adopting = new Map<string, Promise<JobDriver | undefined>>();

  constructor(
    private readonly o: JobAdoptionOptions,
    private readonly host: JobAdoptionHost,
  ) {}

  /** `jobId` is being launched (`gate` resolves to its driver): adoptions of it wait for that. */
  during(jobId: string, gate: Promise<JobDriver | undefined>): void {
    this.adopting.set(jobId, gate);
    void gate
      .finally(() => {
        if (this.adopting.get(jobId) === gate) this.adopting.delete(jobId);
      })
      .catch(() => undefined);
  }

  /** Rebuild a stored job's driver and take over its running hosts (recovery, or an operation on a finished job). */
  adopt(record: JobRecord): Promise<JobDriver | undefined> {
    const busy = this.adopting.get(record.id);
    if (busy) return busy;
    const p = this.adoptNow(record).finally(() => this.adopting.delete(record.id));
    this.adopting.set(record.id, p);
    return p;
  }

  /** Take up every active job of the store; returns how many (a job that cannot be taken up is logged). */
  async adoptActive(): Promise<number> {
    let taken = 0;
    for (const record of await this.o.store.activeJobs()) {
      try {
        if (await this.adopt(record)) taken++;
      } catch (e: unknown) {
        this.o.log.error({ err: e, job: record.id }, 'cannot take up job');
      }
    }
    return taken;
  }

  private async adoptNow(record: JobRecord): Promise<JobDriver | undefined> {
    const driven = this.o.book.get(record.id);
    if (driven) return driven;
    if (!(await this.host.ensure(record.namespace))) return undefined;
    // Read before the lease is taken: a row that changes meanwhile is notified, and synced once driven here.
    const relayed = this.host.relay() ? await this.o.store.relayTasksOf([record.id]) : [];
    const onRelay = new Set(relayed.map((r) => `${r.host}\u0000${r.attempt}`));
    const now = this.o.now();
    const loaded = await this.o.loader.load(record, now);
    if (!loaded) return undefined;
    const { driver: d, hosts, epoch } = loaded;
    this.o.book.add(d);
    if (record.state === 'pending') d.note({ type: 'job:submitted', t: record.createdAt, by: record.user });
    const board = this.o.delivery.board;
    const report = new Set<WorkerSlot>();
    for (const h of hosts) {
      // A task on the relay is wherever its row says (offered, claimed by a carrier, or done).
      if (h.state !== 'running' || onRelay.has(`${h.host}\u0000${h.attempt}`)) continue;
      const key: TaskKey = { job: record.id, host: h.host, attempt: h.attempt };
      const w = h.worker ? (board.worker(h.worker) ?? board.absent(h.worker, now)) : undefined;
      if (!w) {
        this.o.book.endHost(d, h.host, 'lost', lostDetail(now, 'no worker was recorded for it'));
        continue;
      }
      const ref = board.assign(key, w, true);
      ref.committed = true;
      if (!w.channel) this.o.delivery.armGrace(w);
      else report.add(w);
    }
    // A worker already connected here got these tasks from the job's previous owner: it says what it holds
    // (and sends its results again) only in a hello, so its link is closed and it reconnects at once.
    for (const w of report) w.channel?.close(`job ${record.id} was taken over: report the tasks held`);
    this.host.relay()?.outbox.apply(d, relayed, now);
    this.o.book.settle(d);
    this.o.log.info({ job: record.id, state: record.state, epoch }, 'job taken up');
    return d;
  }
}
