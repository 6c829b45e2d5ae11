// Plan preview: what a job with these targets would do under the namespace's config (`pogo schedule`).
import { useState } from 'react';
import type { PlanPreview } from '../../../src/model/index.ts';
import { api, seg } from '../api/client.ts';
import { formatCount } from '../lib/format.ts';

/** A form (targets, max parallel) and the plan it gives. */
export function PlanPreviewForm({ namespace }: { readonly namespace: string }) {
  const [targets, setTargets] = useState('');
  const [maxParallel, setMaxParallel] = useState('');
  const [plan, setPlan] = useState<PlanPreview | undefined>();
  const [error, setError] = useState('');
  const submit = async (): Promise<void> => {
    setError('');
    try {
      setPlan(
        await api<PlanPreview>(`/v1/namespaces/${seg(namespace)}/plan`, {
          method: 'POST',
          body: { targets, ...(maxParallel.trim() !== '' ? { maxParallel: maxParallel.trim() } : {}) },
        }),
      );
    } catch (e: unknown) {
      setPlan(undefined);
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <section className="panel" aria-label="plan preview">
      <header className="panel-head">
        <h2>Plan preview</h2>
      </header>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <input
          aria-label="targets"
          placeholder="targets: $frontend, web[01-04], a&b, !x"
          value={targets}
          onChange={(e) => setTargets(e.target.value)}
        />
        <input
          aria-label="max parallel"
          placeholder="max parallel (N or N%)"
          value={maxParallel}
          onChange={(e) => setMaxParallel(e.target.value)}
        />
        <button type="submit" className="primary" disabled={targets.trim() === ''}>
          Plan
        </button>
      </form>
      {error && <p className="error">{error}</p>}
      {plan && (
        <div className="preview">
          <p className="muted">
            {formatCount(plan.hosts.length)} hosts · config v{plan.configVersion ?? '—'}
          </p>
          <table className="plan-table">
            <thead>
              <tr>
                <th>thread</th>
                <th>slots in order</th>
              </tr>
            </thead>
            <tbody>
              {plan.threads.map((t) => (
                <tr key={t.id}>
                  <td>{t.id}</td>
                  <td>
                    {t.slots.map((s, i) => (
                      <span key={i} className="slot-pill" title={s.hosts.join(' ')}>
                        {i + 1}. {s.label} ({s.hosts.length})
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
              {plan.unordered.length > 0 && (
                <tr>
                  <td>unordered</td>
                  <td title={plan.unordered.join(' ')}>
                    {formatCount(plan.unordered.length)} hosts, in any order
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          {plan.groups.length > 0 && (
            <ul className="plain">
              {plan.groups.map((g) => (
                <li key={g.id}>
                  {g.label}: at most <b>{g.limit}</b> at once ({g.spec}; {g.jobHosts} of this job's hosts)
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
