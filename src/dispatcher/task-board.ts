// Which worker runs which task: connected workers, their capacity, the tasks handed to each, and absent workers.
import type { WorkerInfo } from '../model/index.ts';
import type { TaskKey } from '../worker/index.ts';
import { taskKeyString } from '../worker/index.ts';
import type { WorkerChannel } from './worker-channel.ts';

/** A task handed (or about to be handed) to a worker. */
export interface TaskRef extends TaskKey {
  readonly key: string;
  /** The worker instance it belongs to ('' for a task of a job driven here that another server's worker runs). */
  worker: string;
  /** Its "running" row (with this worker) is durable: only then may the task message go out. */
  committed: boolean;
  /** The task message went out. */
  sent: boolean;
  /**
   * A task of a job driven here handed to the relay: `offered` to every server with a free worker, or
   * `claimed` by `carrier` (another server whose worker runs it). Undefined for a task on a worker here.
   */
  relay?: 'offered' | 'claimed' | undefined;
  carrier?: string | undefined;
  /** A task of a job another server drives, run by a worker here for it (results go back through the store). */
  carried?: boolean | undefined;
}

/** A worker instance, connected or gone (kept while it still owns tasks, until its grace period ends). */
export interface WorkerSlot {
  readonly instance: string;
  readonly name: string;
  capacity: number;
  channel: WorkerChannel | undefined;
  readonly tasks: Set<string>;
  connectedAt: number;
  lastSeenAt: number;
  remote: string;
  graceTimer: NodeJS.Timeout | undefined;
  /** Fingerprint of the certificate it connected with (envelopes are sealed to it). */
  fingerprint: string | undefined;
  /** Room set aside for tasks being claimed from the relay for it. */
  reserved: number;
}

/** Which workers a task may go to (a sealed job: only those it holds an envelope box for). */
export type WorkerFilter = (w: WorkerSlot) => boolean;

const ANY: WorkerFilter = () => true;

/** Bookkeeping only: no I/O, no timers of its own (the dispatcher sets grace timers on slots). */
export class TaskBoard {
  private readonly workers = new Map<string, WorkerSlot>();
  private readonly tasks = new Map<string, TaskRef>();
  /** Keys of the tasks handed to the relay (on no worker here). */
  private readonly relayed = new Set<string>();

  /** Free capacity over connected workers. */
  freeCapacity(accept: WorkerFilter = ANY): number {
    let n = 0;
    for (const w of this.workers.values()) if (w.channel && accept(w)) n += freeOf(w);
    return n;
  }

  /** Connected workers with room, and how much each has. */
  freeSlots(): { worker: WorkerSlot; free: number }[] {
    const out: { worker: WorkerSlot; free: number }[] = [];
    for (const w of this.workers.values()) {
      const free = w.channel ? freeOf(w) : 0;
      if (free > 0) out.push({ worker: w, free });
    }
    return out;
  }

  /** The connected worker with the most free capacity (ties: first connected). */
  pick(accept: WorkerFilter = ANY): WorkerSlot | undefined {
    let best: WorkerSlot | undefined;
    let bestFree = 0;
    for (const w of this.workers.values()) {
      if (!w.channel || !accept(w)) continue;
      const free = freeOf(w);
      if (free > bestFree) {
        best = w;
        bestFree = free;
      }
    }
    return best;
  }

  worker(instance: string): WorkerSlot | undefined {
    return this.workers.get(instance);
  }

  /** A worker said hello: a new slot, or the known instance back again. */
  connect(channel: WorkerChannel, now: number): WorkerSlot {
    let w = this.workers.get(channel.instance);
    if (!w) {
      w = {
        instance: channel.instance,
        name: channel.name,
        capacity: channel.capacity,
        channel,
        tasks: new Set(),
        connectedAt: now,
        lastSeenAt: now,
        remote: channel.remote,
        graceTimer: undefined,
        fingerprint: channel.certificate?.fingerprint256,
        reserved: 0,
      };
      this.workers.set(channel.instance, w);
    }
    clearTimeout(w.graceTimer);
    w.graceTimer = undefined;
    w.channel = channel;
    w.capacity = channel.capacity;
    w.remote = channel.remote;
    w.fingerprint = channel.certificate?.fingerprint256;
    w.connectedAt = now;
    w.lastSeenAt = now;
    return w;
  }

  /** A worker known only from the store (recovery): absent until it says hello. */
  absent(instance: string, now: number): WorkerSlot {
    let w = this.workers.get(instance);
    if (!w) {
      w = {
        instance,
        name: instance,
        capacity: 0,
        channel: undefined,
        tasks: new Set(),
        connectedAt: now,
        lastSeenAt: now,
        remote: '',
        graceTimer: undefined,
        fingerprint: undefined,
        reserved: 0,
      };
      this.workers.set(instance, w);
    }
    return w;
  }

  /** The link closed; the slot stays while it owns tasks. Returns it when it does. */
  disconnect(channel: WorkerChannel): WorkerSlot | undefined {
    const w = this.workers.get(channel.instance);
    if (!w || w.channel !== channel) return undefined;
    w.channel = undefined;
    if (w.tasks.size === 0) {
      this.workers.delete(w.instance);
      return undefined;
    }
    return w;
  }

  /** Forget an absent worker (its tasks were settled). */
  drop(instance: string): void {
    const w = this.workers.get(instance);
    if (w && !w.channel && w.tasks.size === 0) {
      clearTimeout(w.graceTimer);
      this.workers.delete(instance);
    }
  }

  assign(key: TaskKey, worker: WorkerSlot, sent = false): TaskRef {
    const ref: TaskRef = {
      job: key.job,
      host: key.host,
      attempt: key.attempt,
      key: taskKeyString(key),
      worker: worker.instance,
      committed: sent,
      sent,
    };
    this.tasks.set(ref.key, ref);
    worker.tasks.add(ref.key);
    return ref;
  }

  /** Hand an existing task to another worker. */
  move(ref: TaskRef, to: WorkerSlot): void {
    this.detach(ref);
    ref.worker = to.instance;
    ref.sent = false;
    ref.committed = false;
    to.tasks.add(ref.key);
  }

  /** A task of a job driven here, offered to the relay (its running row, with the offer, not yet durable). */
  assignRelay(key: TaskKey): TaskRef {
    const ref: TaskRef = {
      job: key.job,
      host: key.host,
      attempt: key.attempt,
      key: taskKeyString(key),
      worker: '',
      committed: false,
      sent: false,
      relay: 'offered',
    };
    this.tasks.set(ref.key, ref);
    this.relayed.add(ref.key);
    return ref;
  }

  /** The task is (now) run for this server by `carrier`'s worker: off any worker here. */
  toRelay(ref: TaskRef, state: 'offered' | 'claimed', carrier?: string): void {
    this.detach(ref);
    ref.worker = '';
    ref.relay = state;
    ref.carrier = carrier;
    ref.carried = false;
    this.relayed.add(ref.key);
  }

  /** The task is (now) on worker `to` here, sent or not, for a job driven here. */
  toDirect(ref: TaskRef, to: WorkerSlot, sent: boolean): void {
    this.detach(ref);
    ref.worker = to.instance;
    ref.relay = undefined;
    ref.carrier = undefined;
    ref.carried = false;
    ref.sent = sent;
    ref.committed = sent;
    to.tasks.add(ref.key);
  }

  /** Tasks of jobs driven here that are on the relay. */
  relayTasks(): TaskRef[] {
    return [...this.relayed].map((k) => this.tasks.get(k)).filter((r): r is TaskRef => r !== undefined);
  }

  private detach(ref: TaskRef): void {
    this.workers.get(ref.worker)?.tasks.delete(ref.key);
    this.relayed.delete(ref.key);
  }

  /** Take a task back from its worker (it refused it): it waits, unassigned, until `move` places it. */
  unassign(ref: TaskRef): void {
    this.detach(ref);
    ref.worker = '';
    ref.sent = false;
    ref.committed = false;
  }

  task(key: TaskKey): TaskRef | undefined {
    return this.tasks.get(taskKeyString(key));
  }

  /** The task ended (result stored, or lost): it leaves the board. */
  remove(ref: TaskRef): void {
    if (this.tasks.get(ref.key) === ref) this.tasks.delete(ref.key);
    this.detach(ref);
  }

  tasksOf(instance: string): TaskRef[] {
    const w = this.workers.get(instance);
    if (!w) return [];
    return [...w.tasks].map((k) => this.tasks.get(k)).filter((r): r is TaskRef => r !== undefined);
  }

  tasksOfJob(jobId: string): TaskRef[] {
    return [...this.tasks.values()].filter((r) => r.job === jobId);
  }

  /** Connected workers for the API. */
  list(): WorkerInfo[] {
    return [...this.workers.values()]
      .filter((w) => w.channel)
      .map((w) => ({
        instance: w.instance,
        name: w.name,
        capacity: w.capacity,
        running: w.tasks.size,
        connectedAt: w.connectedAt,
        lastSeenAt: w.lastSeenAt,
        remote: w.remote,
      }));
  }

  /** Every worker slot, connected or absent. */
  all(): WorkerSlot[] {
    return [...this.workers.values()];
  }

  /** Forget every worker and task (the dispatcher reloads from the store; workers reconnect). */
  clear(): void {
    for (const w of this.workers.values()) clearTimeout(w.graceTimer);
    this.workers.clear();
    this.tasks.clear();
    this.relayed.clear();
  }
}

/** A connected worker's room: its capacity less its tasks and what is set aside for relay claims. */
function freeOf(w: WorkerSlot): number {
  return Math.max(0, w.capacity - w.tasks.size - w.reserved);
}
