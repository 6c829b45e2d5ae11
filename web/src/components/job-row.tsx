// One job in a list: state, id, who, where, what, a bar of host counts, when and how long.
import type { JobRecord } from '../../../src/model/index.ts';
import { formatDuration, formatTime } from '../lib/format.ts';
import { CountsBar } from './counts-bar.tsx';
import { Link } from './link.tsx';
import { JobStateBadge } from './state-badge.tsx';

/** A table row for `job`; `active` marks the keyboard's row. */
export function JobRow({
  job,
  now,
  active,
}: {
  readonly job: JobRecord;
  readonly now: number;
  readonly active: boolean;
}) {
  const duration = job.startedAt === null ? null : (job.endedAt ?? now) - job.startedAt;
  return (
    <tr aria-selected={active} data-job={job.id}>
      <td>
        <JobStateBadge state={job.state} reason={job.reason} />
      </td>
      <td className="mono">
        <Link to={`/jobs/${job.id}`}>{job.id}</Link>
      </td>
      <td>{job.user}</td>
      <td>{job.namespace}</td>
      <td className="cmd" title={job.command}>
        <code>{job.command}</code>
        <div className="muted small" title={job.targets}>
          {job.targets} · {job.hostCount} host{job.hostCount === 1 ? '' : 's'}
        </div>
      </td>
      <td className="counts-cell">
        <CountsBar counts={job.counts} total={job.hostCount} />
      </td>
      <td className="nowrap">{formatTime(job.startedAt ?? job.createdAt)}</td>
      <td className="nowrap">{formatDuration(duration)}</td>
    </tr>
  );
}

/** The table of jobs with its header. */
export function JobTable({
  jobs,
  now,
  active,
  label,
}: {
  readonly jobs: readonly JobRecord[];
  readonly now: number;
  readonly active: number;
  readonly label: string;
}) {
  return (
    <table className="jobs" aria-label={label}>
      <thead>
        <tr>
          <th>state</th>
          <th>job</th>
          <th>user</th>
          <th>namespace</th>
          <th>command and targets</th>
          <th>hosts</th>
          <th>started</th>
          <th>duration</th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((j, i) => (
          <JobRow key={j.id} job={j} now={now} active={i === active} />
        ))}
      </tbody>
    </table>
  );
}
