// Rollout: decides which hosts of one job may start now, and tracks results, halts, retries and skips.
import type { HostOutcome, HostState, JobState, LimitSpec, PogoEvent } from '../model/index.ts';
import { PogoError, isFailedState, isFinishedState } from '../model/index.ts';
import type { ConstraintLedger, LedgerEntry } from './ledger.ts';
import {
  acquireAll,
  hasRoom,
  holdFailed,
  releaseHeld,
  releaseRunning,
  takeHeld,
  unwatch,
  watch,
} from './ledger.ts';
import { IndexHeap } from './index-heap.ts';
import { MinHeap } from './min-heap.ts';
import type { Plan } from './plan.ts';
import { JOB_GROUP_ID } from './plan.ts';
import { SlotTracker } from './slot-tracker.ts';
import { badTransition, budget, emptyCounts } from './rollout-support.ts';

/** What a store keeps of a rollout, enough to rebuild it (see `Rollout.restore`). */
export interface RolloutSnapshot {
  readonly jobState: JobState;
  readonly reason: string;
  /** For a running job that was draining: the halt reason. */
  readonly draining?: string | undefined;
  readonly startedAt: number | null;
  /** Every host's state, in plan order. */
  readonly hostStates: readonly HostState[];
}

export interface RolloutOptions {
  readonly jobId: string;
  /** Failure budget over the whole rollout: more failed hosts than this halts the job. Default: none. */
  readonly maxFailures?: LimitSpec | undefined;
  /** Job timeout in ms from start: the job halts (drains) when it passes. */
  readonly timeoutMs?: number | undefined;
}

import type { HostCounts } from './rollout-support.ts';

export type { HostCounts } from './rollout-support.ts';

/** One source of hosts to try in `next`: the candidates (`e` undefined) or the hosts parked on `e`. */
interface Source {
  readonly h: number;
  readonly e: LedgerEntry | undefined;
}

/**
 * One job's rollout. Pure: time is passed in, no I/O. Call `next(now)` after any change to learn which
 * hosts to start; work per call is proportional to the hosts and groups that changed, not to the job.
 */
export class Rollout {
  readonly id: string;
  readonly plan: Plan;
  private jobState: JobState = 'pending';
  private jobReason = '';
  private haltReason: string | undefined;
  private startedAt = 0;
  private readonly state: HostState[];
  private readonly entries: LedgerEntry[][];
  private readonly slots: SlotTracker;
  private readonly candidates = new IndexHeap();
  private readonly parked = new Map<LedgerEntry, IndexHeap>();
  private readonly dirty = new Set<LedgerEntry>();
  private readonly labels = new Map<LedgerEntry, string>();
  private readonly index = new Map<string, number>();
  private readonly maxFailures: number;
  private readonly timeoutMs: number | undefined;
  private readonly events: PogoEvent[] = [];
  private readonly counts: HostCounts;
  private failures = 0;
  private slotsOpen = false;
  private readonly watcher = (e: LedgerEntry): void => {
    if ((this.parked.get(e)?.size ?? 0) > 0) this.dirty.add(e);
  };

  constructor(plan: Plan, ledger: ConstraintLedger, options: RolloutOptions) {
    this.id = options.jobId;
    this.plan = plan;
    const n = plan.hosts.length;
    this.state = new Array<HostState>(n).fill('waiting');
    this.counts = emptyCounts();
    this.counts.waiting = n;
    const groupEntries = plan.groups.map((g) => {
      const key = g.id === JOB_GROUP_ID ? `@job/${options.jobId}` : g.id;
      const e = ledger.entry(key, g.limit);
      this.labels.set(e, g.label);
      return e;
    });
    this.entries = plan.hosts.map((h, i) => {
      this.index.set(h, i);
      const own = (plan.hostGroups[i] ?? []).map((g) => groupEntries[g] as LedgerEntry);
      own.push(ledger.entry(`@host/${h}`, 1));
      return own;
    });
    this.slots = new SlotTracker(plan);
    this.maxFailures = options.maxFailures ? budget(options.maxFailures, n) : Infinity;
    this.timeoutMs = options.timeoutMs;
  }

  get jobStateNow(): JobState {
    return this.jobState;
  }
  /** Why the job is in its state (`failure budget exhausted`, `halted by alice`, …); empty while running. */
  get reason(): string {
    return this.jobReason;
  }
  /** True once a halt was decided and running hosts are draining. */
  get draining(): boolean {
    return this.haltReason !== undefined && this.jobState === 'running';
  }
  /** When the job times out (ms), if it has a timeout and has started. */
  get deadline(): number | undefined {
    return this.timeoutMs === undefined || this.jobState === 'pending'
      ? undefined
      : this.startedAt + this.timeoutMs;
  }
  /** True when another job's (or this job's) release may let a parked host start: call `next`. */
  get wantsEvaluation(): boolean {
    return this.dirty.size > 0 || this.candidates.size > 0;
  }

  hostState(host: string): HostState {
    return this.state[this.hostIndex(host)] as HostState;
  }
  hostCounts(): HostCounts {
    return { ...this.counts };
  }
  failureCount(): number {
    return this.failures;
  }

  /** Events since the last call, oldest first. */
  takeEvents(): PogoEvent[] {
    return this.events.splice(0, this.events.length);
  }

  /** Start the job: the first slot of every thread and the unordered hosts become candidates. */
  start(now: number): void {
    if (this.jobState !== 'pending') throw badTransition(`job ${this.id} already started`);
    this.jobState = 'running';
    this.events.push({ type: 'job:started', t: now });
    this.openSlots(now);
    this.queueFreeHosts();
  }

  /**
   * Hosts that may start now, in order, at most `max` (the free worker capacity); they are marked running
   * and charged to every group they belong to. Hosts left over start on a later call.
   */
  next(now: number, max = Infinity): string[] {
    if (this.jobState !== 'running' || this.haltReason !== undefined || max <= 0) return [];
    const started: string[] = [];
    // Greedy in plan order over the candidates and the hosts parked on groups that gained room: the
    // sources are merged through a heap keyed by each one's first host (stale keys are skipped).
    const sources = new MinHeap<Source>();
    const offer = (e: LedgerEntry | undefined): void => {
      const h = (e === undefined ? this.candidates : this.parked.get(e))?.peek();
      if (h !== undefined) sources.push(h, { h, e });
    };
    offer(undefined);
    for (const e of this.dirty) offer(e);
    while (started.length < max) {
      const s = sources.pop();
      if (s === undefined) break;
      const q = s.e === undefined ? this.candidates : this.parked.get(s.e);
      if (q === undefined || q.peek() !== s.h) continue;
      if (s.e !== undefined && !hasRoom(s.e)) {
        this.dirty.delete(s.e); // its hosts stay parked until it frees again
        continue;
      }
      q.pop();
      const parkedOn = this.tryStart(s.h, now, started);
      if (s.e !== undefined && q.size === 0) {
        this.unpark(s.e);
        this.dirty.delete(s.e);
      } else offer(s.e);
      if (parkedOn !== undefined && parkedOn !== s.e && this.dirty.has(parkedOn)) offer(parkedOn);
    }
    if (started.length === 0 && this.counts.running === 0) this.settle(now);
    return started;
  }

  /**
   * Rebuild the rollout from stored host states instead of `start` (a dispatcher restarting, or an
   * operation on a job no dispatcher holds): running hosts take their slots again, failed hosts hold theirs
   * while the job runs, finished hosts open the slots after them. Emits no events.
   */
  restore(snapshot: RolloutSnapshot): void {
    if (this.jobState !== 'pending' || this.slotsOpen) throw badTransition(`job ${this.id} already started`);
    const states = snapshot.hostStates;
    if (states.length !== this.state.length)
      throw badTransition(`job ${this.id}: ${states.length} stored hosts, plan has ${this.state.length}`);
    const live = snapshot.jobState === 'running';
    states.forEach((s, h) => {
      if (s === 'running' && !live)
        throw badTransition(`host ${this.plan.hosts[h]} runs in a ${snapshot.jobState} job`);
      this.setState(h, s);
      const entries = this.entries[h] as LedgerEntry[];
      if (s === 'running') acquireAll(entries);
      else if (isFailedState(s)) {
        this.failures++;
        if (live) takeHeld(entries);
      }
    });
    this.jobState = snapshot.jobState;
    this.jobReason = live ? '' : snapshot.reason;
    this.haltReason = live ? snapshot.draining : snapshot.jobState === 'halted' ? snapshot.reason : undefined;
    if (snapshot.startedAt === null || snapshot.jobState === 'pending') return;
    this.openSlots(snapshot.startedAt);
    states.forEach((s, h) => {
      if (isFinishedState(s)) this.slots.markDone(h, () => undefined);
    });
    if (live && this.haltReason === undefined) this.queueFreeHosts();
  }

  /** A running host finished with `outcome`. */
  finish(host: string, outcome: HostOutcome, now: number): void {
    const h = this.hostIndex(host);
    if (this.state[h] !== 'running') throw badTransition(`host ${host} is ${this.state[h]}, not running`);
    const entries = this.entries[h] as LedgerEntry[];
    this.setState(h, outcome);
    this.events.push({ type: `host:${outcome}`, t: now, host });
    if (outcome === 'succeeded') {
      releaseRunning(entries);
    } else {
      holdFailed(entries);
      this.failures++;
    }
    this.slots.markDone(h, (x) => this.onFree(x));
    if (outcome !== 'succeeded' && this.failures > this.maxFailures && this.haltReason === undefined) {
      this.beginHalt(now, 'failure budget exhausted');
    }
    if (this.counts.running === 0 && (this.haltReason !== undefined || this.counts.waiting === 0))
      this.settle(now);
  }

  /** Decide to stop: nothing new starts; running hosts finish (drain); the job is halted when they have. */
  halt(now: number, reason: string): void {
    if (this.jobState === 'pending') {
      // Halted before it started: every host is halted, and resume starts it.
      this.beginHalt(now, reason);
      return this.end(now, 'halted', reason);
    }
    if (this.jobState !== 'running' || this.haltReason !== undefined) return;
    this.beginHalt(now, reason);
    if (this.counts.running === 0) this.settle(now);
  }

  /** Take a halted (or draining) job up again: halted hosts wait again and failed hosts hold their slots again. */
  resume(now: number, by?: string): void {
    if (this.jobState !== 'halted' && !this.draining)
      throw badTransition(`job ${this.id} is ${this.jobState}`);
    this.reopen(now, by);
  }

  /** Run failed hosts again (re-opens a finished job). */
  retry(hosts: readonly string[], now: number, by?: string): void {
    const idx = hosts.map((host) => this.hostIndex(host));
    for (const h of idx) {
      if (!isFailedState(this.state[h] as HostState)) {
        throw badTransition(
          `host ${this.plan.hosts[h]} is ${this.state[h]}; only failed hosts can be retried`,
        );
      }
    }
    if (this.jobState !== 'running' || this.haltReason !== undefined) this.reopen(now, by);
    for (const h of idx) {
      releaseHeld(this.entries[h] as LedgerEntry[]);
      this.failures--;
      this.setState(h, 'waiting');
      this.pushOperatorEvent('host:retried', h, now, by);
      this.candidates.push(h);
    }
  }

  /** Skip hosts that have not run, or failed: they count as done for ordering and release their slots. */
  skip(hosts: readonly string[], now: number, by?: string): void {
    const idx = hosts.map((host) => this.hostIndex(host));
    for (const h of idx) {
      const s = this.state[h] as HostState;
      if (s === 'running' || s === 'succeeded' || s === 'skipped') {
        throw badTransition(`host ${this.plan.hosts[h]} is ${s}; it cannot be skipped`);
      }
    }
    const live = this.jobState === 'running';
    for (const h of idx) {
      if (isFailedState(this.state[h] as HostState)) {
        if (live) releaseHeld(this.entries[h] as LedgerEntry[]);
        this.failures--;
      }
      this.setState(h, 'skipped');
      this.pushOperatorEvent('host:skipped', h, now, by);
      this.slots.markDone(h, (x) => this.onFree(x));
    }
    if (this.jobState === 'succeeded' || this.jobState === 'failed') this.settle(now);
  }

  /** Job timeout check: call when the clock passes `deadline`. */
  tick(now: number): void {
    const d = this.deadline;
    if (d !== undefined && now >= d && this.jobState === 'running' && this.haltReason === undefined) {
      this.halt(now, 'job timeout');
    }
  }

  /** The ledger entries a host is charged to (its groups, the job cap, its host lock). */
  entriesOf(host: string): readonly LedgerEntry[] {
    return this.entries[this.hostIndex(host)] as LedgerEntry[];
  }

  /** Names of the groups that parked hosts wait on, with their usage (for status and stuck reports). */
  blockingGroups(): string[] {
    const out: string[] = [];
    for (const [e, q] of this.parked)
      if (q.size > 0) out.push(`${this.label(e)} (${e.running + e.held}/${e.limit})`);
    return out;
  }

  /** An operator's action on host `h` (`by` only when known). */
  private pushOperatorEvent(
    type: 'host:retried' | 'host:skipped',
    h: number,
    now: number,
    by?: string,
  ): void {
    this.events.push({ type, t: now, host: this.plan.hosts[h] as string, ...(by ? { by } : {}) });
  }

  /** Start host `h` if it waits and every group has room; otherwise park it on the first full group (returned). */
  private tryStart(h: number, now: number, started: string[]): LedgerEntry | undefined {
    if (this.state[h] !== 'waiting') return undefined;
    const entries = this.entries[h] as LedgerEntry[];
    for (const e of entries) {
      if (!hasRoom(e)) {
        this.park(e, h);
        return e;
      }
    }
    acquireAll(entries);
    this.setState(h, 'running');
    const host = this.plan.hosts[h] as string;
    this.events.push({ type: 'host:started', t: now, host });
    started.push(host);
    return undefined;
  }

  private park(e: LedgerEntry, h: number): void {
    let q = this.parked.get(e);
    if (!q) {
      q = new IndexHeap();
      this.parked.set(e, q);
    }
    if (q.size === 0) watch(e, this.watcher);
    q.push(h);
  }

  private unpark(e: LedgerEntry): void {
    unwatch(e, this.watcher);
    this.parked.delete(e);
  }

  private onFree(h: number): void {
    if (this.state[h] === 'waiting' && this.haltReason === undefined) this.candidates.push(h);
  }

  private openSlots(now: number): void {
    if (this.slotsOpen) return;
    this.slotsOpen = true;
    this.startedAt = now;
    this.slots.start();
  }

  private queueFreeHosts(): void {
    for (let h = 0; h < this.state.length; h++) {
      if (this.state[h] === 'waiting' && this.slots.isFree(h)) this.candidates.push(h);
    }
  }

  private beginHalt(now: number, reason: string): void {
    this.haltReason = reason;
    this.events.push({ type: 'job:halting', t: now, reason });
    for (let h = 0; h < this.state.length; h++) if (this.state[h] === 'waiting') this.setState(h, 'halted');
    this.candidates.clear();
    for (const e of [...this.parked.keys()]) this.unpark(e);
    this.dirty.clear();
  }

  /** Nothing runs: end the job (halted, stuck, succeeded or failed) or leave it waiting on other jobs. */
  private settle(now: number): void {
    if (this.counts.running > 0) return;
    if (this.haltReason !== undefined) return this.end(now, 'halted', this.haltReason);
    if (this.counts.waiting === 0) {
      const failed = this.failures;
      if (failed > 0) return this.end(now, 'failed', `${failed} host${failed === 1 ? '' : 's'} failed`);
      return this.end(now, 'succeeded', 'all hosts succeeded');
    }
    if (this.jobState !== 'running' || this.candidates.size > 0) return;
    // Stuck: nothing can start and nothing that runs anywhere in the namespace could free a blocking group.
    const blocking = [...this.parked.keys()]
      .filter((e) => (this.parked.get(e)?.size ?? 0) > 0)
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (blocking.some((e) => e.running > 0)) return;
    const names = blocking.slice(0, 5).map((e) => `${this.label(e)} (${e.held}/${e.limit} held)`);
    const more = blocking.length > 5 ? ` and ${blocking.length - 5} more` : '';
    const reason = blocking.length
      ? `stuck: all remaining hosts blocked by failed hosts in ${names.join(', ')}${more}`
      : 'stuck: remaining hosts wait on an ordering that cannot finish';
    this.beginHalt(now, reason);
    this.end(now, 'halted', reason);
  }

  private end(now: number, state: 'succeeded' | 'failed' | 'halted', reason: string): void {
    const wasRunning = this.jobState === 'running';
    this.haltReason = state === 'halted' ? reason : undefined;
    this.jobState = state;
    this.jobReason = reason;
    if (wasRunning) {
      for (let h = 0; h < this.state.length; h++) {
        if (isFailedState(this.state[h] as HostState)) releaseHeld(this.entries[h] as LedgerEntry[]);
      }
    }
    for (const e of [...this.parked.keys()]) this.unpark(e);
    this.events.push({ type: `job:${state}`, t: now, reason });
  }

  private reopen(now: number, by?: string): void {
    const wasTerminal = this.jobState !== 'running';
    this.jobState = 'running';
    this.jobReason = '';
    this.haltReason = undefined;
    for (let h = 0; h < this.state.length; h++) {
      const s = this.state[h] as HostState;
      if (s === 'halted') this.setState(h, 'waiting');
      else if (wasTerminal && isFailedState(s)) takeHeld(this.entries[h] as LedgerEntry[]);
    }
    this.events.push({ type: 'job:resumed', t: now, ...(by ? { by } : {}) });
    this.openSlots(now);
    this.queueFreeHosts();
  }

  private setState(h: number, s: HostState): void {
    const from = this.state[h] as HostState;
    const c = this.counts;
    c[from]--;
    c[s]++;
    this.state[h] = s;
  }

  private label(e: LedgerEntry): string {
    if (e.key.startsWith('@host/')) return `host ${e.key.slice(6)}`;
    return this.labels.get(e) ?? e.key;
  }

  private hostIndex(host: string): number {
    const i = this.index.get(host);
    if (i === undefined) throw new PogoError('ENGINE_UNKNOWN_HOST', `host ${host} is not in job ${this.id}`);
    return i;
  }
}
