// One job under a dispatcher: its rollout, event numbering, host attempts, and the store writes each change implies.
import type {
  EventRecord,
  HostOutcome,
  HostState,
  JobNoteEvent,
  JobOptions,
  JobRecord,
  PogoEvent,
  TaskSpec,
} from '../model/index.ts';
import type { Rollout } from '../engine/index.ts';
import type { RelayResult } from '../store/index.ts';
import type { TaskMessage } from '../worker/index.ts';
import type { ProgressWriter } from './progress-writer.ts';

/** What a worker reported about a finished host, beyond the outcome (as a relay row carries it too). */
export type HostDetail = Omit<RelayResult, 'outcome'>;

/** A host the rollout just started, with its new attempt number. */
export interface StartedHost {
  readonly host: string;
  readonly attempt: number;
}

export interface JobDriverInit {
  readonly record: JobRecord;
  readonly rollout: Rollout;
  readonly epoch: number;
  readonly lastSeq: number;
  /** Current attempt per host (0 when it never ran). */
  readonly attempts: Map<string, number>;
  readonly writer: ProgressWriter;
}

/**
 * Wraps a Rollout for the dispatcher: numbers events, attaches workers' details to outcome events, and
 * turns every transition into job, host and event writes. Bulk transitions (halt, resume) are found by
 * comparing with the host states last written.
 */
export class JobDriver {
  readonly id: string;
  readonly record: JobRecord;
  readonly rollout: Rollout;
  epoch: number;
  private seq: number;
  private readonly attempts: Map<string, number>;
  private readonly written: HostState[];
  private readonly index = new Map<string, number>();
  private readonly details = new Map<string, HostDetail>();
  private readonly writer: ProgressWriter;
  /** Committed-to-be events since the last `takeCommitted` (for subscribers). */
  private pending: EventRecord[] = [];
  private spec: TaskMessage['spec'] | undefined;
  /** In `needs-password`: sealed, its envelope gone; nothing new starts until it is given again. */
  parked: boolean;

  constructor(init: JobDriverInit) {
    this.id = init.record.id;
    this.record = init.record;
    this.rollout = init.rollout;
    this.epoch = init.epoch;
    this.seq = init.lastSeq;
    this.attempts = init.attempts;
    this.writer = init.writer;
    this.parked = init.record.state === 'needs-password';
    this.written = init.rollout.plan.hosts.map((h, i) => {
      this.index.set(h, i);
      return init.rollout.hostState(h);
    });
  }

  /** The task template as the link protocol carries it (built once). */
  get wireSpec(): TaskMessage['spec'] {
    this.spec ??= toWireSpec(this.record.options.task);
    return this.spec;
  }

  /** The per-host fields of a `task` message: the host's connection settings, when its inventory has some. */
  hostFields(host: string): Pick<TaskMessage, 'connect'> {
    return hostFieldsOf(this.record.options, host);
  }

  /** Submitted with a password envelope: its tasks need a worker the envelope was sealed to. */
  get sealed(): boolean {
    return this.record.options.sealed === true;
  }

  /**
   * Enter `needs-password` (the envelope is gone): the state is written with the reason and a note logged;
   * running hosts finish, nothing new starts.
   */
  park(now: number, reason: string): void {
    if (this.parked) return;
    this.parked = true;
    this.push({ type: 'job:needs-password', t: now, reason });
    this.writer.updateJob({ id: this.id, state: 'needs-password', reason });
  }

  /** The password was given again: back to `running`. */
  unpark(now: number, by: string): void {
    if (!this.parked) return;
    this.parked = false;
    this.push({ type: 'job:password-given', t: now, by });
    // Parking happens only while not draining, and a halt unparks: so the job runs, with no reason.
    if (this.rollout.jobStateNow === 'running')
      this.writer.updateJob({ id: this.id, state: 'running', reason: '' });
  }

  get namespace(): string {
    return this.record.namespace;
  }

  attemptOf(host: string): number {
    return this.attempts.get(host) ?? 0;
  }

  /** Hosts the engine lets start now (at most `max`), each given its next attempt. */
  next(now: number, max: number): StartedHost[] {
    const hosts = this.rollout.next(now, max);
    const out = hosts.map((host) => {
      const attempt = this.attemptOf(host) + 1;
      this.attempts.set(host, attempt);
      return { host, attempt };
    });
    return out;
  }

  /** A host ended (a worker's result, or `lost`). */
  finish(host: string, outcome: HostOutcome, now: number, detail: HostDetail): void {
    this.details.set(host, detail);
    this.rollout.finish(host, outcome, now);
  }

  /** A note in the job's log that the engine does not make. */
  note(e: JobNoteEvent): void {
    this.push(e);
  }

  /**
   * Move the rollout's new events into the writer (numbered), with the host and job row changes they
   * imply. `workerOf` names the worker a started host was handed to.
   */
  drain(workerOf: (host: string) => string | null): void {
    const events = this.rollout.takeEvents();
    let bulk = false;
    for (const e of events) {
      this.push(this.enrich(e));
      this.applyToRows(e, workerOf);
      if (e.type === 'job:halting' || e.type === 'job:resumed') bulk = true;
    }
    if (bulk) this.writeBulkHostStates();
    if (events.length > 0) this.writer.updateJob({ id: this.id, counts: this.rollout.hostCounts() });
  }

  /** Events handed to the writer since the last call, for publishing once committed. */
  takePending(): EventRecord[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  private push(e: PogoEvent | JobNoteEvent): void {
    const record = { ...e, seq: ++this.seq, jobId: this.id } as EventRecord;
    this.writer.addEvent(record);
    this.pending.push(record);
  }

  private enrich(e: PogoEvent): PogoEvent {
    if (e.type === 'host:started' || e.type === 'host:retried' || e.type === 'host:skipped') return e;
    if (e.type === 'host:halted' || !('host' in e)) return e;
    const d = this.details.get(e.host);
    if (!d) return e;
    return {
      ...e,
      exitCode: d.exitCode,
      message: d.message,
      ...(d.errorCode ? { errorCode: d.errorCode } : {}),
    };
  }

  private applyToRows(e: PogoEvent, workerOf: (host: string) => string | null): void {
    const w = this.writer;
    const id = this.id;
    switch (e.type) {
      case 'job:started':
        return w.updateJob({ id, state: 'running', startedAt: e.t, reason: '' });
      case 'job:halting':
        // A running job with a reason is draining; a restart must not start hosts again.
        if (this.parked) {
          this.parked = false;
          return w.updateJob({ id, state: 'running', reason: e.reason });
        }
        return w.updateJob({ id, reason: e.reason });
      case 'job:resumed':
        return w.updateJob({ id, state: 'running', reason: '', endedAt: null });
      case 'job:succeeded':
      case 'job:failed':
      case 'job:halted':
        return w.updateJob({
          id,
          state: e.type.slice(4) as JobRecord['state'],
          reason: e.reason,
          endedAt: e.t,
        });
      case 'host:started':
        this.written[this.indexOf(e.host)] = 'running';
        return w.updateHost({
          jobId: id,
          host: e.host,
          state: 'running',
          attempt: this.attemptOf(e.host),
          startedAt: e.t,
          endedAt: null,
          exitCode: null,
          signal: null,
          message: '',
          errorCode: null,
          truncated: false,
          worker: workerOf(e.host),
        });
      case 'host:retried':
      case 'host:skipped':
      case 'host:halted':
        return this.writeHostState(e.host);
      default: {
        const d = this.details.get(e.host);
        this.details.delete(e.host);
        this.writeHostState(e.host);
        if (!d) return;
        return w.updateHost({
          jobId: id,
          host: e.host,
          endedAt: d.endedAt,
          exitCode: d.exitCode,
          signal: d.signal,
          message: d.message,
          errorCode: d.errorCode ?? null,
          truncated: d.truncated,
          ...(d.startedAt !== undefined ? { startedAt: d.startedAt } : {}),
        });
      }
    }
  }

  private writeHostState(host: string): void {
    const state = this.rollout.hostState(host);
    const i = this.indexOf(host);
    this.written[i] = state;
    this.writer.updateHost({ jobId: this.id, host, state });
  }

  private writeBulkHostStates(): void {
    const hosts = this.rollout.plan.hosts;
    for (let i = 0; i < hosts.length; i++) {
      const host = hosts[i] as string;
      const s = this.rollout.hostState(host);
      if (s !== this.written[i]) {
        this.written[i] = s;
        this.writer.updateHost({ jobId: this.id, host, state: s });
      }
    }
  }

  private indexOf(host: string): number {
    return this.index.get(host) ?? -1;
  }
}

/** TaskSpec (readonly, optional fields absent) → the link message's spec. */
export function toWireSpec(t: TaskSpec): TaskMessage['spec'] {
  return {
    command: t.command,
    ...(t.file ? { file: { ...t.file, args: [...t.file.args] } } : {}),
    ...(t.runAs !== undefined ? { runAs: t.runAs } : {}),
    hooks: { ...t.hooks, inlinePre: [...t.hooks.inlinePre], inlinePost: [...t.hooks.inlinePost] },
    timeoutMs: t.timeoutMs,
    retries: t.retries,
    retryDelayMs: t.retryDelayMs,
    outputCapBytes: t.outputCapBytes,
  };
}

/** A task message's per-host fields: the host's connection settings from the job's options, when any. */
export function hostFieldsOf(options: JobOptions, host: string): Pick<TaskMessage, 'connect'> {
  const connect = options.connect?.[host];
  return connect ? { connect: { ...connect } } : {};
}
