// The app shell: session gate, top bar (navigation, user, theme, logout), routes, global keys.
import { useEffect, useState } from 'react';
import { storedToken } from './api/client.ts';
import { logOut, useSession } from './api/session.ts';
import { HelpDialog } from './components/help-dialog.tsx';
import { Link } from './components/link.tsx';
import { useKeys } from './lib/keys.ts';
import { matchPath, navigate, useLocation } from './lib/router.ts';
import { toggleTheme } from './lib/theme.ts';
import { DashboardPage } from './pages/dashboard-page.tsx';
import { HostPage } from './pages/host-page.tsx';
import { JobPage } from './pages/job-page.tsx';
import { LoginPage } from './pages/login-page.tsx';
import { NamespacePage } from './pages/namespace-page.tsx';
import { NamespacesPage } from './pages/namespaces-page.tsx';

function Page({ pathname, query }: { pathname: string; query: URLSearchParams }) {
  let m = matchPath('/jobs/:id/hosts/:host', pathname);
  if (m) {
    const q = new URLSearchParams(query);
    q.set('host', m.host ?? '');
    return <JobPage jobRef={m.id ?? ''} query={q} />;
  }
  if ((m = matchPath('/jobs/:id', pathname))) return <JobPage key={m.id} jobRef={m.id ?? ''} query={query} />;
  if ((m = matchPath('/hosts/:host', pathname))) return <HostPage key={m.host} host={m.host ?? ''} />;
  if ((m = matchPath('/namespaces/:ns', pathname)))
    return <NamespacePage key={m.ns} namespace={m.ns ?? ''} />;
  if (matchPath('/namespaces', pathname)) return <NamespacesPage />;
  if (pathname === '/' || pathname === '') return <DashboardPage query={query} />;
  return (
    <p className="error page-error">
      No page at {pathname}. <Link to="/">Jobs</Link>
    </p>
  );
}

/** The whole UI. */
export function App() {
  const session = useSession();
  const { pathname, query } = useLocation();
  const [help, setHelp] = useState(false);
  useKeys({
    'g d': () => navigate('/'),
    'g n': () => navigate('/namespaces'),
    t: toggleTheme,
    '?': () => setHelp(true),
  });
  useEffect(() => {
    if (!pathname.startsWith('/jobs/')) document.title = 'Pogo';
  }, [pathname]);
  // With a stored token the page loads while /v1/me answers (one round trip less); without one, ask first.
  if (session.status === 'loading' && storedToken() === null) {
    return <p className="muted page-loading">connecting…</p>;
  }
  if (session.status === 'anonymous') return <LoginPage reason={session.error} />;
  const me = session.status === 'ready' ? session : undefined;
  return (
    <>
      <header className="topbar">
        <Link to="/" className="brand">
          <span className="logo" aria-hidden="true">
            ●
          </span>{' '}
          Pogo
        </Link>
        <nav aria-label="main">
          <Link to="/" aria-current={pathname === '/' ? 'page' : undefined}>
            Jobs
          </Link>
          <Link to="/namespaces" aria-current={pathname.startsWith('/namespaces') ? 'page' : undefined}>
            Namespaces
          </Link>
        </nav>
        <span className="spacer" />
        {me && (
          <span className="me" data-testid="me">
            {me.me.user} <span className="muted">({me.me.role})</span>
          </span>
        )}
        <button
          type="button"
          onClick={toggleTheme}
          title="light / dark (t)"
          aria-label="switch light and dark theme"
        >
          ◐
        </button>
        <button type="button" onClick={() => setHelp(true)} title="keyboard (?)" aria-label="keyboard keys">
          ?
        </button>
        {me && !me.sso && (
          <button type="button" onClick={logOut}>
            Log out
          </button>
        )}
      </header>
      <main className="content">
        <Page pathname={pathname} query={query} />
      </main>
      {help && <HelpDialog onClose={() => setHelp(false)} />}
    </>
  );
}
