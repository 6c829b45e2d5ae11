// The plan: threads × slots (and the unordered hosts), each slot with its progress and its hosts' outcomes.
import type { JobPlanView } from '../../../src/model/index.ts';
import { isFinishedState } from '../../../src/model/index.ts';
import type { JobModel } from '../state/job-model.ts';
import { CountsBar } from './counts-bar.tsx';
import { emptyCounts } from '../../../src/model/index.ts';
import { formatCount } from '../lib/format.ts';

/** One cell's counts. */
function cellCounts(model: JobModel, hosts: readonly number[]) {
  const counts = emptyCounts();
  let done = 0;
  for (const h of hosts) {
    const s = model.hostState(h);
    counts[s]++;
    if (isFinishedState(s)) done++;
  }
  return { counts, done };
}

/** Threads as rows, slots as cells in order, each with its counts by state. */
export function PlanView({
  model,
  plan,
  version,
}: {
  readonly model: JobModel;
  readonly plan: JobPlanView | undefined;
  readonly version: number;
}) {
  void version;
  if (!plan) return null;
  const rows = [
    ...plan.threads.map((t) => ({ id: t.id, slots: t.slots })),
    ...(plan.unordered.length > 0
      ? [{ id: 'unordered', slots: [{ label: 'any order', hosts: plan.unordered }] }]
      : []),
  ];
  return (
    <section className="panel" aria-label="plan">
      <header className="panel-head">
        <h2>Plan</h2>
        <span className="muted">
          {plan.threads.length} thread{plan.threads.length === 1 ? '' : 's'} × slots; a slot starts when the
          previous one has finished
          {plan.configVersion !== null && ` · config v${plan.configVersion}`}
        </span>
      </header>
      <div className="plan">
        {rows.map((t) => (
          <div className="plan-thread" key={t.id}>
            <div className="plan-thread-id">{t.id}</div>
            {t.slots.map((s, i) => {
              const { counts, done } = cellCounts(model, s.hosts);
              return (
                <div className="plan-slot" key={`${s.label}-${i}`} data-done={done === s.hosts.length}>
                  <div className="plan-slot-label">
                    <span className="slot-index">{i + 1}</span> {s.label}
                  </div>
                  <CountsBar counts={counts} total={s.hosts.length} />
                  <div className="muted small">
                    {formatCount(done)} / {formatCount(s.hosts.length)} done
                  </div>
                </div>
              );
            })}
          </div>
        ))}
      </div>
      {plan.groups.length > 0 && (
        <p className="muted small">
          Constraints:{' '}
          {plan.groups
            .slice(0, 12)
            .map((g) => `${g.label} ≤ ${g.limit} (${g.spec})`)
            .join(' · ')}
          {plan.groups.length > 12 && ` · and ${plan.groups.length - 12} more`}
        </p>
      )}
    </section>
  );
}
