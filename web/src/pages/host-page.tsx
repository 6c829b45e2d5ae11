// A host's page: every job that touched it, newest first, each with its outcome and (on demand) its output.
import { useState } from 'react';
import type { HostRecord, JobRecord, Page } from '../../../src/model/index.ts';
import { queryString, seg } from '../api/client.ts';
import { useHostOutput } from '../api/output.ts';
import { usePoll } from '../api/use-poll.ts';
import { Link } from '../components/link.tsx';
import { OutputLines } from '../components/output-lines.tsx';
import { HostStateBadge } from '../components/state-badge.tsx';
import { formatDuration, formatTime } from '../lib/format.ts';

/** `/hosts/:host`. */
export function HostPage({ host }: { readonly host: string }) {
  const history = usePoll<{ items: HostRecord[] }>(`/v1/hosts/${seg(host)}/history?limit=200`, 5000);
  const jobs = usePoll<Page<JobRecord>>(`/v1/jobs${queryString({ host, limit: 200 })}`, 5000);
  const byId = new Map((jobs.data?.items ?? []).map((j) => [j.id, j]));
  const [open, setOpen] = useState<string | undefined>();
  return (
    <div className="host-page">
      <h1>
        <span className="mono">{host}</span>
      </h1>
      {history.error && <p className="error">{history.error}</p>}
      {history.data && history.data.items.length === 0 && (
        <p className="muted">No job has touched this host.</p>
      )}
      <ol className="runs">
        {history.data?.items.map((r) => {
          const job = byId.get(r.jobId);
          const key = `${r.jobId}/${r.attempt}`;
          return (
            <li key={key} className="run" data-testid="host-run">
              <div className="run-head">
                <HostStateBadge state={r.state} />
                <Link to={`/jobs/${r.jobId}?host=${encodeURIComponent(host)}`} className="mono">
                  {r.jobId}
                </Link>
                {job && (
                  <>
                    <code className="cmd">{job.command}</code>
                    <span className="muted">
                      {job.user} · {job.namespace}
                    </span>
                  </>
                )}
                <span className="muted">
                  {formatTime(r.startedAt)} ·{' '}
                  {formatDuration(r.startedAt === null ? null : (r.endedAt ?? Date.now()) - r.startedAt)}
                  {r.exitCode !== null && ` · exit ${r.exitCode}`}
                  {r.attempt > 1 && ` · attempt ${r.attempt}`}
                </span>
                {r.attempt > 0 && (
                  <button
                    type="button"
                    className="link"
                    aria-expanded={open === key}
                    onClick={() => setOpen(open === key ? undefined : key)}
                  >
                    {open === key ? 'hide output' : 'show output'}
                  </button>
                )}
              </div>
              {r.message && <div className="muted">{r.message}</div>}
              {open === key && (
                <RunOutput jobId={r.jobId} host={host} attempt={r.attempt} live={r.state === 'running'} />
              )}
            </li>
          );
        })}
      </ol>
    </div>
  );
}

function RunOutput({
  jobId,
  host,
  attempt,
  live,
}: {
  jobId: string;
  host: string;
  attempt: number;
  live: boolean;
}) {
  const out = useHostOutput(jobId, host, attempt, live, 0);
  if (out.error) return <p className="error">{out.error}</p>;
  return <OutputLines chunks={out.chunks} empty={out.loading ? 'loading…' : 'no output'} />;
}
