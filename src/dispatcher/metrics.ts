// A few Prometheus metrics (counters, gauges, histograms) and their text exposition, without a dependency.

/** Histogram buckets for durations in seconds. */
const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600, 1800];

class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly buckets: readonly number[]) {
    this.counts = buckets.map(() => 0);
  }
  observe(v: number): void {
    this.sum += v;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (v <= (this.buckets[i] as number)) this.counts[i]!++;
  }
  render(name: string, labels = ''): string[] {
    const sep = labels ? ',' : '';
    const out = this.buckets.map(
      (b, i) => `${name}_bucket{${labels}${sep}le="${b}"} ${this.counts[i] as number}`,
    );
    out.push(`${name}_bucket{${labels}${sep}le="+Inf"} ${this.count}`);
    const braces = labels ? `{${labels}}` : '';
    out.push(`${name}_sum${braces} ${this.sum}`, `${name}_count${braces} ${this.count}`);
    return out;
  }
}

/** The dispatcher's metrics; `render` adds the gauges read at scrape time. */
export class DispatcherMetrics {
  hostStarts = 0;
  readonly hostFinishes = new Map<string, number>();
  readonly taskSeconds = new Histogram(SECONDS);
  readonly storeCommitSeconds = new Histogram(SECONDS);
  storeRows = 0;
  /** Tasks this server offered to other servers' workers. */
  relayOffered = 0;
  /** Tasks of other servers' jobs this server's workers took on (claimed or adopted). */
  relayCarried = 0;
  /** Webhook posts by outcome (delivered, failed, dropped). */
  readonly notifications = new Map<string, number>();

  notified(outcome: string): void {
    this.notifications.set(outcome, (this.notifications.get(outcome) ?? 0) + 1);
  }

  finished(outcome: string, seconds: number | undefined): void {
    this.hostFinishes.set(outcome, (this.hostFinishes.get(outcome) ?? 0) + 1);
    if (seconds !== undefined && seconds >= 0) this.taskSeconds.observe(seconds);
  }

  commit(ms: number, rows: number): void {
    this.storeCommitSeconds.observe(ms / 1000);
    this.storeRows += rows;
  }

  /** Prometheus text format 0.0.4. */
  render(gauges: {
    readonly jobsByState: Readonly<Record<string, number>>;
    readonly workers: number;
    readonly workerCapacity: number;
    readonly tasksRunning: number;
    readonly liveJobs: number;
  }): string {
    const lines: string[] = [];
    const head = (name: string, type: string, help: string): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    };
    head('pogo_jobs', 'gauge', 'Jobs in the store by state.');
    for (const [state, n] of Object.entries(gauges.jobsByState))
      lines.push(`pogo_jobs{state="${state}"} ${n}`);
    head('pogo_jobs_live', 'gauge', 'Jobs this dispatcher drives now.');
    lines.push(`pogo_jobs_live ${gauges.liveJobs}`);
    head('pogo_host_starts_total', 'counter', 'Host tasks handed to workers.');
    lines.push(`pogo_host_starts_total ${this.hostStarts}`);
    head('pogo_host_finishes_total', 'counter', 'Host tasks ended, by outcome.');
    for (const [o, n] of this.hostFinishes) lines.push(`pogo_host_finishes_total{outcome="${o}"} ${n}`);
    head('pogo_task_duration_seconds', 'histogram', 'Host task duration as the worker measured it.');
    lines.push(...this.taskSeconds.render('pogo_task_duration_seconds'));
    head('pogo_workers_connected', 'gauge', 'Workers connected to this dispatcher.');
    lines.push(`pogo_workers_connected ${gauges.workers}`);
    head('pogo_worker_capacity', 'gauge', 'Task capacity of the connected workers.');
    lines.push(`pogo_worker_capacity ${gauges.workerCapacity}`);
    head('pogo_tasks_running', 'gauge', 'Tasks handed out and not yet ended.');
    lines.push(`pogo_tasks_running ${gauges.tasksRunning}`);
    head('pogo_store_commit_seconds', 'histogram', 'Latency of the dispatcher’s batched store writes.');
    lines.push(...this.storeCommitSeconds.render('pogo_store_commit_seconds'));
    head('pogo_store_rows_written_total', 'counter', 'Rows written by batched store commits.');
    lines.push(`pogo_store_rows_written_total ${this.storeRows}`);
    head(
      'pogo_relay_offered_total',
      'counter',
      'Tasks of jobs driven here offered to other servers’ workers.',
    );
    lines.push(`pogo_relay_offered_total ${this.relayOffered}`);
    head(
      'pogo_relay_carried_total',
      'counter',
      'Tasks of jobs other servers drive taken on by workers here.',
    );
    lines.push(`pogo_relay_carried_total ${this.relayCarried}`);
    head(
      'pogo_webhooks_total',
      'counter',
      'Webhook posts by outcome (delivered, failed after retries, dropped).',
    );
    for (const [o, n] of this.notifications) lines.push(`pogo_webhooks_total{outcome="${o}"} ${n}`);
    return lines.join('\n') + '\n';
  }
}
