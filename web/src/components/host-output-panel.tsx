// The selected host of a job: its state, attempts, output (live while it runs), and retry/skip for operators.
import { useState } from 'react';
import { useHostOutput } from '../api/output.ts';
import { formatBytes, formatDuration, formatTime } from '../lib/format.ts';
import type { JobModel } from '../state/job-model.ts';
import { HostActions } from './host-actions.tsx';
import { Link } from './link.tsx';
import { OutputLines } from './output-lines.tsx';
import { HostStateBadge } from './state-badge.tsx';

/** The panel for `host` of the model's job; `onClose` deselects (Esc). */
export function HostOutputPanel({
  model,
  host,
  now,
  canOperate,
  onClose,
  onActed,
}: {
  readonly model: JobModel;
  readonly host: string;
  readonly now: number;
  readonly canOperate: boolean;
  readonly onClose: () => void;
  readonly onActed: () => void;
}) {
  const i = model.index.get(host);
  const [attempt, setAttempt] = useState<number | undefined>(undefined);
  const jobId = model.job?.id ?? '';
  const state = i === undefined ? 'waiting' : model.hostState(i);
  const current = i === undefined ? 0 : (model.attempt[i] ?? 0);
  const live = state === 'running' && (attempt === undefined || attempt === current);
  const out = useHostOutput(jobId, host, attempt, live, current);
  if (i === undefined) return <p className="error">{host} is not a host of this job</p>;
  const start = model.startedAt[i] ?? NaN;
  const end = model.endedAt[i] ?? NaN;
  const exit = model.exit(i);
  return (
    <section className="panel host-output" aria-label={`output of ${host}`}>
      <header className="panel-head">
        <h2>
          <Link to={`/hosts/${encodeURIComponent(host)}`} title="every job that touched this host">
            {host}
          </Link>
        </h2>
        <HostStateBadge state={state} />
        {current > 1 && (
          <label>
            attempt{' '}
            <select
              value={attempt ?? current}
              onChange={(e) =>
                setAttempt(Number(e.target.value) === current ? undefined : Number(e.target.value))
              }
            >
              {Array.from({ length: current }, (_, k) => k + 1).map((a) => (
                <option key={a} value={a}>
                  {a}
                  {a === current ? ' (current)' : ''}
                </option>
              ))}
            </select>
          </label>
        )}
        <span className="muted">
          {!Number.isNaN(start) &&
            `${formatTime(start)} · ${formatDuration((Number.isNaN(end) ? now : end) - start)}`}
          {exit !== null && ` · exit ${exit}`}
          {out.total > 0 && ` · ${formatBytes(out.total)}`}
          {out.truncated && ' · truncated'}
        </span>
        <HostActions model={model} host={host} canOperate={canOperate} onActed={onActed} />
        <button type="button" className="close" onClick={onClose} aria-label="close the output (Esc)">
          ✕
        </button>
      </header>
      {model.message[i] && <p className="muted">{model.message[i]}</p>}
      {out.error ? (
        <p className="error">{out.error}</p>
      ) : (
        <OutputLines chunks={out.chunks} empty={out.loading ? 'loading…' : 'no output'} />
      )}
    </section>
  );
}
