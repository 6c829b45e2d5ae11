// Every namespace the user may view, with its newest config version.
import type { NamespaceVersion } from '../../../src/model/index.ts';
import { usePoll } from '../api/use-poll.ts';
import { Link } from '../components/link.tsx';
import { formatTime } from '../lib/format.ts';

/** `/namespaces`. */
export function NamespacesPage() {
  const list = usePoll<{ items: NamespaceVersion[] }>('/v1/namespaces', 0);
  return (
    <div>
      <h1>Namespaces</h1>
      {list.error && <p className="error">{list.error}</p>}
      {list.data && list.data.items.length === 0 && (
        <p className="muted">
          No namespace has a config yet: <code>pogo config push NAME FILE</code>.
        </p>
      )}
      <ul className="ns-list">
        {list.data?.items.map((n) => (
          <li key={n.namespace}>
            <Link to={`/namespaces/${encodeURIComponent(n.namespace)}`}>{n.namespace}</Link>{' '}
            <span className="muted">
              v{n.version} by {n.user}, {formatTime(n.createdAt)}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
