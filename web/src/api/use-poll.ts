// Read a URL of the API, again every few seconds (lists that have no stream), keeping the last good answer.
import { useEffect, useState } from 'react';
import { api } from './client.ts';

/** `{ data, error }` for `path` (undefined: nothing to read), re-read every `everyMs` (0: once) and when `revision` changes. */
export function usePoll<T>(
  path: string | undefined,
  everyMs: number,
  revision = 0,
): { data: T | undefined; error: string } {
  const [state, setState] = useState<{ data: T | undefined; error: string; path?: string }>({
    data: undefined,
    error: '',
  });
  useEffect(() => {
    if (path === undefined) return;
    const ctl = new AbortController();
    const read = (): void => {
      api<T>(path, { signal: ctl.signal }).then(
        (data) => setState({ data, error: '', path }),
        (e: unknown) => {
          if (!ctl.signal.aborted)
            setState((s) => ({ ...s, error: e instanceof Error ? e.message : String(e) }));
        },
      );
    };
    read();
    const t = everyMs > 0 ? setInterval(read, everyMs) : undefined;
    return () => {
      ctl.abort();
      if (t) clearInterval(t);
    };
  }, [path, everyMs, revision]);
  // A new path shows nothing stale from the previous one.
  return state.path === path ? state : { data: undefined, error: state.error };
}
