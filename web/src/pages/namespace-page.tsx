// A namespace: its config (edit and validate for admins), tags and hosts, constraint use now, a plan preview.
import { useState } from 'react';
import type { NamespaceOverview } from '../../../src/model/index.ts';
import { seg } from '../api/client.ts';
import { can, useSession } from '../api/session.ts';
import { usePoll } from '../api/use-poll.ts';
import { ConfigEditor } from '../components/config-editor.tsx';
import { Link } from '../components/link.tsx';
import { PlanPreviewForm } from '../components/plan-preview.tsx';
import { formatCount, formatTime } from '../lib/format.ts';

/** `/namespaces/:ns`. */
export function NamespacePage({ namespace }: { readonly namespace: string }) {
  const [reload, setReload] = useState(0);
  const o = usePoll<NamespaceOverview>(`/v1/namespaces/${seg(namespace)}/overview`, 3000, reload);
  const session = useSession();
  const [hostFilter, setHostFilter] = useState('');
  if (o.error && !o.data) return <p className="error page-error">{o.error}</p>;
  const v = o.data;
  if (!v) return <p className="muted page-loading">loading {namespace}…</p>;
  const hosts = v.hosts.filter((h) => h.includes(hostFilter));
  return (
    <div className="namespace-page">
      <h1>
        {namespace}{' '}
        <span className="muted small">
          v{v.version} by {v.user}, {formatTime(v.createdAt)}
        </span>
      </h1>
      <p>
        <Link to={`/?namespace=${encodeURIComponent(namespace)}`}>jobs of {namespace}</Link>
      </p>
      <section className="panel" aria-label="constraint use">
        <header className="panel-head">
          <h2>Constraints now</h2>
          <span className="muted">
            across {v.jobs.length} active job{v.jobs.length === 1 ? '' : 's'}
            {v.jobs.map((j) => (
              <span key={j.id}>
                {' '}
                · <Link to={`/jobs/${j.id}`}>{j.id}</Link> ({j.user}: {j.running} running, {j.failed} failed)
              </span>
            ))}
          </span>
        </header>
        {v.groups.length === 0 ? (
          <p className="muted">The config has no constraint.</p>
        ) : (
          <table className="usage">
            <thead>
              <tr>
                <th>group</th>
                <th>limit</th>
                <th>in use (running + failed holding)</th>
                <th>hosts</th>
              </tr>
            </thead>
            <tbody>
              {v.groups.map((g) => {
                const used = g.running + g.failed;
                return (
                  <tr key={g.id} data-full={used >= g.limit}>
                    <td>{g.label}</td>
                    <td>
                      {g.limit} {g.spec !== String(g.limit) && <span className="muted">({g.spec})</span>}
                    </td>
                    <td>
                      <div className="usage-bar" role="img" aria-label={`${used} of ${g.limit}`}>
                        <span
                          style={{
                            width: `${(100 * Math.min(g.running, g.limit)) / g.limit}%`,
                            background: 'var(--st-running)',
                          }}
                        />
                        <span
                          style={{
                            width: `${(100 * Math.min(g.failed, Math.max(0, g.limit - g.running))) / g.limit}%`,
                            background: 'var(--st-failed)',
                          }}
                        />
                      </div>
                      {used}/{g.limit}
                      {used >= g.limit ? ' ■ full' : ''}
                      {g.failed > 0 && <span className="muted"> ({g.failed} failed)</span>}
                    </td>
                    <td>{formatCount(g.hosts)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
      <PlanPreviewForm namespace={namespace} />
      <ConfigEditor
        namespace={namespace}
        text={v.text}
        canEdit={can(session, 'admin', namespace)}
        onPushed={() => setReload((r) => r + 1)}
      />
      <section className="panel" aria-label="tags">
        <header className="panel-head">
          <h2>Tags</h2>
          <span className="muted">{v.tags.length}</span>
        </header>
        <ul className="tags">
          {v.tags.map((t) => (
            <li key={t.path} style={{ paddingLeft: `${(t.path.split('.').length - 1) * 1.2}em` }}>
              <code>${t.path}</code> <span className="muted">{formatCount(t.hosts.length)} hosts</span>
            </li>
          ))}
        </ul>
      </section>
      <section className="panel" aria-label="hosts">
        <header className="panel-head">
          <h2>Hosts</h2>
          <span className="muted">{formatCount(v.hosts.length)}</span>
          <input
            type="search"
            placeholder="filter"
            aria-label="filter hosts"
            value={hostFilter}
            onChange={(e) => setHostFilter(e.target.value)}
          />
        </header>
        <p className="host-list">
          {hosts.slice(0, 500).map((h) => (
            <Link key={h} to={`/hosts/${encodeURIComponent(h)}`} className="host-chip">
              {h}
            </Link>
          ))}
          {hosts.length > 500 && (
            <span className="muted"> and {formatCount(hosts.length - 500)} more (filter to find one)</span>
          )}
        </p>
      </section>
    </div>
  );
}
