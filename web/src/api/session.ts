// Who is logged in: /v1/me with the stored token (or none, behind an SSO proxy); role checks per namespace.
import { useSyncExternalStore } from 'react';
import type { Actor, Role } from '../../../src/model/index.ts';
import { hasRole } from '../../../src/model/index.ts';
import { ApiError, api, onUnauthorized, storeToken, storedToken } from './client.ts';

/** The session as the app sees it. */
export type Session =
  | { readonly status: 'loading' }
  | { readonly status: 'anonymous'; readonly error?: string }
  | { readonly status: 'ready'; readonly me: Actor; readonly sso: boolean };

let session: Session = { status: 'loading' };
const listeners = new Set<() => void>();

function set(next: Session): void {
  session = next;
  for (const l of listeners) l();
}

/** Ask /v1/me: with the stored token, or without one (a trusted proxy may name the user). */
export async function loadSession(): Promise<void> {
  const token = storedToken();
  try {
    const me = await api<Actor>('/v1/me', { token });
    set({ status: 'ready', me, sso: token === null });
  } catch (e: unknown) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
      set({ status: 'anonymous', ...(token !== null ? { error: e.message } : {}) });
    } else {
      set({ status: 'anonymous', error: e instanceof Error ? e.message : String(e) });
    }
  }
}

/** Check a pasted token and keep it when the server knows it; rejects with the server's message. */
export async function logIn(token: string): Promise<void> {
  const me = await api<Actor>('/v1/me', { token: token.trim() });
  storeToken(token.trim());
  set({ status: 'ready', me, sso: false });
}

/** Forget the token. */
export function logOut(): void {
  storeToken(null);
  set({ status: 'anonymous' });
}

onUnauthorized(() => {
  if (session.status === 'ready')
    set({ status: 'anonymous', error: 'the server no longer accepts this token' });
});

/** The session; re-renders when it changes. */
export function useSession(): Session {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => session,
  );
}

/** May the logged-in user act with `role` on `namespace`? (The server checks again.) */
export function can(s: Session, role: Role, namespace: string): boolean {
  return s.status === 'ready' && hasRole(s.me, role, namespace);
}
