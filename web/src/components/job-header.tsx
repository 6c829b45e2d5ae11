// The job's metadata: who, what, where, limits, times and its state with the reason.
import type { JobView } from '../../../src/model/index.ts';
import { formatDuration, formatTime } from '../lib/format.ts';
import { Link } from './link.tsx';
import { JobStateBadge } from './state-badge.tsx';

/** A definition list of the job's fields. */
export function JobHeader({ job, now }: { readonly job: JobView; readonly now: number }) {
  const o = job.options;
  const duration = job.startedAt === null ? null : (job.endedAt ?? now) - job.startedAt;
  return (
    <section className="job-header" aria-label="job">
      <h1>
        <span className="mono">{job.id}</span> <JobStateBadge state={job.state} reason={job.reason} />
        {job.draining && (
          <span className="badge" data-state="halting">
            ◧ draining
          </span>
        )}
      </h1>
      {job.reason && <p className="reason">{job.reason}</p>}
      {job.blocking.length > 0 && <p className="muted">waiting on {job.blocking.join(', ')}</p>}
      <pre className="command" aria-label="command">
        {job.command}
      </pre>
      <dl className="meta">
        <div>
          <dt>user</dt>
          <dd>
            <Link to={`/?user=${encodeURIComponent(job.user)}`}>{job.user}</Link>
          </dd>
        </div>
        <div>
          <dt>namespace</dt>
          <dd>
            <Link to={`/namespaces/${encodeURIComponent(job.namespace)}`}>{job.namespace}</Link>
            {job.configVersion !== null && <span className="muted"> (config v{job.configVersion})</span>}
          </dd>
        </div>
        <div>
          <dt>targets</dt>
          <dd className="mono">{job.targets}</dd>
        </div>
        <div>
          <dt>hosts</dt>
          <dd>{job.hostCount}</dd>
        </div>
        <div>
          <dt>limits</dt>
          <dd>
            max parallel {o.maxParallel ?? '—'} · max failures {o.maxFailures ?? '—'}
          </dd>
        </div>
        <div>
          <dt>timeouts</dt>
          <dd>
            host {formatDuration(o.task.timeoutMs)} · job{' '}
            {o.jobTimeoutMs ? formatDuration(o.jobTimeoutMs) : 'none'}
            {o.task.retries > 0 && ` · ${o.task.retries} retries`}
          </dd>
        </div>
        <div>
          <dt>started</dt>
          <dd>{formatTime(job.startedAt ?? job.createdAt)}</dd>
        </div>
        <div>
          <dt>ended</dt>
          <dd>{formatTime(job.endedAt)}</dd>
        </div>
        <div>
          <dt>duration</dt>
          <dd>{formatDuration(duration)}</dd>
        </div>
        {o.task.runAs && (
          <div>
            <dt>run as</dt>
            <dd>{o.task.runAs}</dd>
          </div>
        )}
        {job.rollbackOf && (
          <div>
            <dt>rolls back</dt>
            <dd>
              <Link to={`/jobs/${job.rollbackOf}`}>{job.rollbackOf}</Link>
            </dd>
          </div>
        )}
      </dl>
    </section>
  );
}
