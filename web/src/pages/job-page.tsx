// The job page: metadata, counts, live timeline, plan, virtualised host table, host output, grouped outputs.
import { useEffect, useMemo } from 'react';
import type { HostState } from '../../../src/model/index.ts';
import { HOST_STATES } from '../../../src/model/index.ts';
import { can, useSession } from '../api/session.ts';
import { CountsBar } from '../components/counts-bar.tsx';
import { HostOutputPanel } from '../components/host-output-panel.tsx';
import { HostTable } from '../components/host-table.tsx';
import { JobActions } from '../components/job-actions.tsx';
import { JobHeader } from '../components/job-header.tsx';
import { OutputGroupsView } from '../components/output-groups.tsx';
import { PlanView } from '../components/plan-view.tsx';
import { TimelinePanel } from '../components/timeline-panel.tsx';
import type { HostQuery, SortKey } from '../lib/host-order.ts';
import { SORT_KEYS, orderHosts } from '../lib/host-order.ts';
import { focusFilter, useKeys } from '../lib/keys.ts';
import { navigate, withQuery } from '../lib/router.ts';
import type { Grouping } from '../lib/timeline-layout.ts';
import { useNow } from '../lib/use-now.ts';
import { useJob } from '../state/use-job.ts';
import { useJobModel } from '../state/use-job-model.ts';

/** The host query from the URL (`?state=failed,lost&q=web&sort=duration&desc=1`). */
function hostQuery(q: URLSearchParams): HostQuery {
  const states = (q.get('state') ?? '')
    .split(',')
    .filter((s): s is HostState => (HOST_STATES as readonly string[]).includes(s));
  const sort = q.get('sort') ?? 'plan';
  return {
    states,
    text: q.get('q') ?? '',
    sort: (SORT_KEYS as readonly string[]).includes(sort) ? (sort as SortKey) : 'plan',
    desc: q.get('desc') === '1',
  };
}

/** `/jobs/:id`, `?host=NAME` opens a host's output, `?view=output` the grouped outputs. */
export function JobPage({ jobRef, query }: { readonly jobRef: string; readonly query: URLSearchParams }) {
  const { model, plan, error, loaded, stream, refresh } = useJob(jobRef);
  const version = useJobModel(model);
  const session = useSession();
  const job = model.job;
  const running = job !== undefined && !model.ended;
  const ticking = useNow(running);
  // While it runs, "now" is at least the newest event's time: bars and durations keep up between ticks.
  const now = running ? Math.max(ticking, model.lastT) : ticking;
  const selected = query.get('host') ?? undefined;
  const view = query.get('view') === 'output' ? 'output' : 'hosts';
  const grouping = (
    ['slot', 'group', 'none'].includes(query.get('group') ?? '') ? query.get('group') : 'slot'
  ) as Grouping;
  const hq = useMemo(() => hostQuery(query), [query]);
  const order = useMemo(() => orderHosts(model, hq, now), [model, hq, now, version]);
  const canOperate = job !== undefined && can(session, 'operator', job.namespace);
  const select = (host: string | undefined, replace = false): void =>
    navigate(withQuery({ host, view: host ? undefined : (query.get('view') ?? undefined) }), replace);
  const setQuery = (p: Partial<HostQuery>): void => {
    const next = { ...hq, ...p };
    navigate(
      withQuery({
        state: next.states.join(','),
        q: next.text,
        sort: next.sort === 'plan' ? undefined : next.sort,
        desc: next.desc ? '1' : undefined,
      }),
      true,
    );
  };
  const move = (by: number): void => {
    if (order.length === 0) return;
    const at = selected === undefined ? -1 : order.indexOf(model.index.get(selected) ?? -1);
    const next = order[Math.max(0, Math.min(order.length - 1, at + by))];
    if (next !== undefined) select(model.hosts[next], true);
  };
  useKeys({
    j: () => move(1),
    k: () => move(-1),
    Escape: () => select(undefined),
    '/': focusFilter,
    o: () => navigate(withQuery({ view: view === 'output' ? undefined : 'output', host: undefined })),
  });
  useEffect(() => {
    if (!loaded) return;
    // First meaningful render: header, counts, the first table rows and the timeline are on screen.
    const raf = requestAnimationFrame(() => setTimeout(() => performance.mark('pogo:job-ready'), 0));
    return () => cancelAnimationFrame(raf);
  }, [loaded]);
  useEffect(() => {
    if (job) document.title = `${job.id} ${job.state} · Pogo`;
  }, [job?.id, job?.state]);
  if (error) return <p className="error page-error">{error}</p>;
  if (!loaded || !job) return <p className="muted page-loading">loading job {jobRef}…</p>;
  const counts = Object.fromEntries(HOST_STATES.map((s) => [s, model.countOf(s)])) as Record<
    HostState,
    number
  >;
  // Grouped outputs re-read when hosts finish, at most every 2 s of events.
  const revision = Math.floor(version / 20) + (stream === 'ended' ? 1_000_000 : 0);
  return (
    <div className="job-page" data-testid="job-page" data-job-state={job.state}>
      <div className="job-top">
        <JobHeader job={job} now={now} />
        <div className="job-side">
          <JobActions model={model} canOperate={canOperate} onActed={(v) => void refresh(v)} />
          <CountsBar counts={counts} total={model.hosts.length} legend />
          <p className="muted small" data-testid="stream-status">
            {stream === 'live'
              ? '● live'
              : stream === 'connecting'
                ? '◌ connecting'
                : stream === 'ended'
                  ? 'finished'
                  : '⚠ stream lost'}
          </p>
        </div>
      </div>
      <TimelinePanel
        model={model}
        plan={plan}
        version={version}
        now={now}
        selected={selected}
        onSelect={(h) => select(h)}
        grouping={grouping}
        onGrouping={(g) => navigate(withQuery({ group: g === 'slot' ? undefined : g }), true)}
      />
      <PlanView model={model} plan={plan} version={version} />
      <nav className="tabs" aria-label="hosts or outputs">
        <button
          type="button"
          aria-pressed={view === 'hosts'}
          onClick={() => navigate(withQuery({ view: undefined }))}
        >
          Hosts
        </button>
        <button
          type="button"
          aria-pressed={view === 'output'}
          onClick={() => navigate(withQuery({ view: 'output', host: undefined }))}
          title="o"
        >
          Grouped output
        </button>
      </nav>
      <div className="job-bottom" data-split={selected !== undefined}>
        {view === 'output' && selected === undefined ? (
          <OutputGroupsView jobId={job.id} revision={revision} onSelect={(h) => select(h)} />
        ) : (
          <HostTable
            model={model}
            version={version}
            now={now}
            query={hq}
            onQuery={setQuery}
            selected={selected}
            onSelect={(h) => select(h)}
            order={order}
          />
        )}
        {selected !== undefined && (
          <HostOutputPanel
            key={selected}
            model={model}
            host={selected}
            now={now}
            canOperate={canOperate}
            onClose={() => select(undefined)}
            onActed={() => void refresh()}
          />
        )}
      </div>
    </div>
  );
}
