// One job's live state outside React: per-host typed arrays, events applied in batches once per animation frame.
import type { EventRecord, HostState, JobSnapshot, JobView } from '../../../src/model/index.ts';
import { HOST_STATES, isTerminalJobState } from '../../../src/model/index.ts';

/** A host state as a small number (its index in HOST_STATES), for typed arrays. */
export const STATE_CODE: Readonly<Record<HostState, number>> = Object.fromEntries(
  HOST_STATES.map((s, i) => [s, i]),
) as Record<HostState, number>;

const NO_EXIT = -2147483648;

/** Schedules a flush; the browser's requestAnimationFrame, or a plain callback in tests. */
export type FrameScheduler = (flush: () => void) => void;

const defaultScheduler: FrameScheduler =
  typeof requestAnimationFrame === 'function'
    ? (f) => void requestAnimationFrame(f)
    : (f) => void setTimeout(f, 16);

/**
 * Hosts by plan index. Events are queued as they arrive and applied together in the next frame, then
 * listeners are told once: a burst of 1,000 events costs one render, not 1,000.
 */
export class JobModel {
  job: JobView | undefined;
  hosts: string[] = [];
  readonly index = new Map<string, number>();
  state = new Uint8Array(0);
  startedAt = new Float64Array(0);
  endedAt = new Float64Array(0);
  exitCode = new Int32Array(0);
  attempt = new Uint32Array(0);
  message: string[] = [];
  readonly counts = new Int32Array(HOST_STATES.length);
  /** Bumped on every applied batch: React reads it as the snapshot. */
  version = 0;
  /** The newest event seq applied (events at or below it are ignored: replays change nothing). */
  lastSeq = 0;
  /** Events applied in total (the bench reads it). */
  applied = 0;
  /** The newest event time seen: running bars and durations reach at least it (the page's clock ticks slower). */
  lastT = 0;
  /** Recent job-level events, newest last (the activity list). */
  readonly notes: EventRecord[] = [];
  private queue: EventRecord[] = [];
  private scheduled = false;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly schedule: FrameScheduler = defaultScheduler) {}

  /** Start from a snapshot: the job view and its hosts in columns (plan order). */
  load(snap: JobSnapshot): void {
    this.job = snap.job;
    this.lastSeq = snap.job.lastSeq;
    const n = snap.hosts.length;
    this.hosts = new Array<string>(n);
    this.state = new Uint8Array(n);
    this.startedAt = new Float64Array(n);
    this.endedAt = new Float64Array(n);
    this.exitCode = new Int32Array(n);
    this.attempt = new Uint32Array(n);
    this.message = new Array<string>(n);
    this.counts.fill(0);
    this.index.clear();
    for (let i = 0; i < n; i++) {
      const name = snap.hosts[i] ?? '';
      this.hosts[i] = name;
      this.index.set(name, i);
      const code = STATE_CODE[snap.state[i] ?? 'waiting'];
      this.state[i] = code;
      this.counts[code] = (this.counts[code] ?? 0) + 1;
      this.startedAt[i] = snap.startedAt[i] ?? NaN;
      this.endedAt[i] = snap.endedAt[i] ?? NaN;
      this.exitCode[i] = snap.exitCode[i] ?? NO_EXIT;
      this.attempt[i] = snap.attempt[i] ?? 0;
      this.message[i] = snap.message[i] ?? '';
    }
    this.bump();
  }

  /** Replace the job view (after an action or a job event), keeping host state. */
  setJob(job: JobView): void {
    const mine = this.job;
    // A view older than the events applied keeps the state they gave; what only the server knows is taken.
    const stale = mine !== undefined && job.lastSeq < this.lastSeq;
    this.job = stale ? { ...mine, blocking: job.blocking } : { ...job, counts: mine?.counts ?? job.counts };
    this.bump();
  }

  /** Queue events; they are applied in the next frame. */
  push(events: readonly EventRecord[]): void {
    for (const e of events) this.queue.push(e);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.flush());
  }

  /** Apply what is queued now (the frame callback; tests call it directly). */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    const start = performance.now();
    for (const e of batch) this.apply(e);
    this.bump();
    // A slow batch (events applied and React re-rendered) shows in the browser's performance timeline.
    const took = performance.now() - start;
    if (took > 16) performance.measure(`pogo:flush ${batch.length} events`, { start, duration: took });
  }

  /** The host's state. */
  hostState(i: number): HostState {
    return HOST_STATES[this.state[i] ?? 0] ?? 'waiting';
  }

  /** The host's exit code, or null. */
  exit(i: number): number | null {
    const c = this.exitCode[i] ?? NO_EXIT;
    return c === NO_EXIT ? null : c;
  }

  /** Counts by state name. */
  countOf(s: HostState): number {
    return this.counts[STATE_CODE[s]] ?? 0;
  }

  /** Listen for applied batches; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** True when the job will change no more (the stream can close). */
  get ended(): boolean {
    return this.job !== undefined && isTerminalJobState(this.job.state) && !this.job.live;
  }

  private bump(): void {
    this.version++;
    for (const l of this.listeners) l();
  }

  private setState(i: number, s: HostState): void {
    const old = this.state[i] ?? 0;
    const code = STATE_CODE[s];
    if (old === code) return;
    this.counts[old] = (this.counts[old] ?? 0) - 1;
    this.counts[code] = (this.counts[code] ?? 0) + 1;
    this.state[i] = code;
  }

  private apply(e: EventRecord): void {
    if (e.seq <= this.lastSeq) return;
    this.lastSeq = e.seq;
    this.applied++;
    if (e.t > this.lastT) this.lastT = e.t;
    if ('host' in e) {
      const i = this.index.get(e.host);
      if (i !== undefined) this.applyHost(i, e);
      return;
    }
    this.applyJob(e);
  }

  private applyHost(i: number, e: Extract<EventRecord, { host: string }>): void {
    switch (e.type) {
      case 'host:started':
        // A replayed start (same time as the snapshot's) is the same attempt.
        if (this.startedAt[i] !== e.t) this.attempt[i] = (this.attempt[i] ?? 0) + 1;
        this.setState(i, 'running');
        this.startedAt[i] = e.t;
        this.endedAt[i] = NaN;
        this.exitCode[i] = NO_EXIT;
        this.message[i] = '';
        return;
      case 'host:succeeded':
      case 'host:failed':
      case 'host:unreachable':
      case 'host:timed_out':
      case 'host:lost':
        this.setState(i, e.type.slice(5) as HostState);
        this.endedAt[i] = e.t;
        this.exitCode[i] = e.exitCode ?? NO_EXIT;
        this.message[i] = e.message ?? '';
        return;
      case 'host:halted':
        this.setState(i, 'halted');
        this.message[i] = e.reason;
        return;
      case 'host:skipped':
        this.setState(i, 'skipped');
        this.message[i] = `skipped${e.by ? ` by ${e.by}` : ''}`;
        return;
      case 'host:retried':
      case 'host:requeued':
        this.setState(i, 'waiting');
        this.endedAt[i] = NaN;
        this.exitCode[i] = NO_EXIT;
        this.message[i] = e.type === 'host:retried' ? `retried${e.by ? ` by ${e.by}` : ''}` : e.reason;
        return;
    }
  }

  private applyJob(e: EventRecord): void {
    const job = this.job;
    this.notes.push(e);
    if (this.notes.length > 200) this.notes.splice(0, this.notes.length - 200);
    // The engine halts waiting hosts (and waits halted ones again on resume) without an event per host.
    if (e.type === 'job:halting' || e.type === 'job:halted') this.moveAll(['waiting', 'ready'], 'halted');
    if (e.type === 'job:resumed' || e.type === 'job:password-given') this.moveAll(['halted'], 'waiting');
    if (!job) return;
    const patch = jobPatch(e);
    if (patch) this.job = { ...job, ...patch };
  }

  private moveAll(from: readonly HostState[], to: HostState): void {
    const codes = new Set(from.map((s) => STATE_CODE[s]));
    for (let i = 0; i < this.state.length; i++) if (codes.has(this.state[i] ?? 0)) this.setState(i, to);
  }
}

/** What a job-level event changes in the job view. */
function jobPatch(e: EventRecord): Partial<JobView> | undefined {
  switch (e.type) {
    case 'job:started':
      return { state: 'running', startedAt: e.t };
    case 'job:halt-requested':
    case 'job:halting':
      return { draining: true };
    case 'job:resumed':
    case 'job:password-given':
      return { state: 'running', reason: '', endedAt: null, draining: false, live: true };
    case 'job:needs-password':
      return { state: 'needs-password', reason: e.reason };
    case 'job:halted':
    case 'job:succeeded':
    case 'job:failed':
      return {
        state: e.type.slice(4) as JobView['state'],
        reason: e.reason,
        endedAt: e.t,
        draining: false,
        live: false,
      };
    default:
      return undefined;
  }
}
