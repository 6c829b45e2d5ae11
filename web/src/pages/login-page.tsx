// Log in by pasting an API token (kept in this browser's localStorage); behind an SSO proxy no token is needed.
import { useState } from 'react';
import { logIn } from '../api/session.ts';

/** The login screen; `reason` says why it is shown (an expired token, a server that does not answer). */
export function LoginPage({ reason }: { readonly reason?: string | undefined }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (): Promise<void> => {
    setBusy(true);
    setError('');
    try {
      await logIn(token);
    } catch (e: unknown) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login">
      <h1>
        <span className="logo" aria-hidden="true">
          ●
        </span>{' '}
        Pogo
      </h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label htmlFor="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          autoFocus
          placeholder="pogo_…"
          value={token}
          onChange={(e) => setToken(e.target.value)}
        />
        <button type="submit" className="primary" disabled={busy || token.trim() === ''}>
          {busy ? 'Checking…' : 'Log in'}
        </button>
        {(error || reason) && (
          <p className="error" role="alert">
            {error || reason}
          </p>
        )}
      </form>
      <div className="muted small">
        <p>
          The first admin token is in the server's data directory (<code>admin.token</code>); others come from{' '}
          <code>pogo users add NAME --role viewer</code> or <code>pogo users token NAME</code>.
        </p>
        <p>The token stays in this browser (localStorage) until you log out.</p>
      </div>
    </main>
  );
}
