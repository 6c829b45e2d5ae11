// The dashboard: everybody's running jobs first, then history; filters and paging live in the URL.
import { useEffect, useState } from 'react';
import type { JobRecord, JobState, NamespaceVersion, Page } from '../../../src/model/index.ts';
import { JOB_STATES } from '../../../src/model/index.ts';
import { queryString } from '../api/client.ts';
import { usePoll } from '../api/use-poll.ts';
import { JobTable } from '../components/job-row.tsx';
import { focusFilter, useKeys } from '../lib/keys.ts';
import { JOB_LOOKS } from '../lib/states.ts';
import { navigate, withQuery } from '../lib/router.ts';
import { useNow } from '../lib/use-now.ts';

const ACTIVE: readonly JobState[] = ['running', 'pending', 'needs-password'];
const FILTERS = ['user', 'namespace', 'host', 'q'] as const;

/** `/?user=&namespace=&state=&host=&q=&cursor=`. */
export function DashboardPage({ query }: { readonly query: URLSearchParams }) {
  const now = useNow(true, 2000);
  const filter = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) ?? undefined]));
  const states = (query.get('state') ?? '')
    .split(',')
    .filter((s): s is JobState => (JOB_STATES as readonly string[]).includes(s));
  const cursor = query.get('cursor') ?? undefined;
  const activeStates = states.length > 0 ? states.filter((s) => ACTIVE.includes(s)) : ACTIVE;
  const pastStates = (states.length > 0 ? states : JOB_STATES).filter((s) => !ACTIVE.includes(s));
  const running = usePoll<Page<JobRecord>>(
    activeStates.length > 0 && cursor === undefined
      ? `/v1/jobs${queryString({ ...filter, state: activeStates.join(','), limit: 200 })}`
      : undefined,
    2000,
  );
  const history = usePoll<Page<JobRecord>>(
    pastStates.length > 0
      ? `/v1/jobs${queryString({ ...filter, state: pastStates.join(','), cursor, limit: 50 })}`
      : undefined,
    5000,
  );
  const namespaces = usePoll<{ items: NamespaceVersion[] }>('/v1/namespaces', 0);
  const all = [...(running.data?.items ?? []), ...(history.data?.items ?? [])];
  const [active, setActive] = useState(-1);
  useEffect(() => setActive(-1), [query.toString()]);
  useKeys({
    j: () => setActive((a) => Math.min(all.length - 1, a + 1)),
    k: () => setActive((a) => Math.max(0, a - 1)),
    Enter: () => {
      const j = all[active];
      if (j) navigate(`/jobs/${j.id}`);
    },
    '/': focusFilter,
  });
  const set = (k: string, v: string | undefined): void =>
    navigate(withQuery({ [k]: v, cursor: undefined }), true);
  const runningCount = running.data?.items.length ?? 0;
  return (
    <div className="dashboard">
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <input
          type="search"
          placeholder="search command, targets, id ( / )"
          aria-label="search jobs"
          data-hotkey="/"
          defaultValue={query.get('q') ?? ''}
          onChange={(e) => set('q', e.target.value)}
        />
        <input
          placeholder="user"
          aria-label="user"
          defaultValue={query.get('user') ?? ''}
          onChange={(e) => set('user', e.target.value)}
        />
        <select
          aria-label="namespace"
          value={query.get('namespace') ?? ''}
          onChange={(e) => set('namespace', e.target.value)}
        >
          <option value="">every namespace</option>
          {namespaces.data?.items.map((n) => (
            <option key={n.namespace} value={n.namespace}>
              {n.namespace}
            </option>
          ))}
        </select>
        <input
          placeholder="target host"
          aria-label="target host"
          defaultValue={query.get('host') ?? ''}
          onChange={(e) => set('host', e.target.value)}
        />
        <span className="chips" role="group" aria-label="state">
          {JOB_STATES.map((s) => (
            <button
              type="button"
              key={s}
              className="chip"
              aria-pressed={states.includes(s)}
              style={{ '--c': `var(${JOB_LOOKS[s].color})` } as React.CSSProperties}
              onClick={() =>
                set('state', (states.includes(s) ? states.filter((x) => x !== s) : [...states, s]).join(','))
              }
            >
              {JOB_LOOKS[s].shape} {JOB_LOOKS[s].label}
            </button>
          ))}
        </span>
      </form>
      {(running.error || history.error) && <p className="error">{running.error || history.error}</p>}
      {cursor === undefined && activeStates.length > 0 && (
        <section aria-label="running jobs">
          <h2>Running now {running.data && <span className="muted">({runningCount})</span>}</h2>
          {running.data && runningCount === 0 ? (
            <p className="muted">No job is running.</p>
          ) : (
            <JobTable jobs={running.data?.items ?? []} now={now} active={active} label="running jobs" />
          )}
        </section>
      )}
      {pastStates.length > 0 && (
        <section aria-label="job history">
          <h2>History</h2>
          {history.data && history.data.items.length === 0 ? (
            <p className="muted">No job matches.</p>
          ) : (
            <JobTable
              jobs={history.data?.items ?? []}
              now={now}
              active={active - runningCount}
              label="job history"
            />
          )}
          <div className="pager">
            {cursor !== undefined && (
              <button type="button" onClick={() => navigate(withQuery({ cursor: undefined }))}>
                ← newest
              </button>
            )}
            {history.data?.next !== undefined && (
              <button type="button" onClick={() => navigate(withQuery({ cursor: history.data?.next }))}>
                older →
              </button>
            )}
          </div>
        </section>
      )}
    </div>
  );
}
