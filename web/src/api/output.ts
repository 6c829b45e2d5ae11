// A host's output over /v1/…/output (JSON pages), followed while the host runs.
import { useEffect, useState } from 'react';
import { api, queryString, seg } from './client.ts';

/** One chunk as the JSON answer has it (`text`: the bytes as UTF-8). */
export interface OutputChunk {
  readonly seq: number;
  readonly offset: number;
  readonly t: number;
  readonly stream: 'stdout' | 'stderr' | 'pogo';
  readonly source: string;
  readonly text: string;
}

interface OutputPage {
  readonly attempt: number;
  readonly chunks: readonly OutputChunk[];
  readonly nextOffset: number;
  readonly total: number;
  readonly truncated: boolean;
}

/** What a view shows. */
export interface HostOutput {
  readonly chunks: readonly OutputChunk[];
  readonly attempt: number;
  readonly total: number;
  readonly truncated: boolean;
  readonly error?: string;
  readonly loading: boolean;
}

/** Bytes shown at most; past it the view says how to get the rest. */
const SHOWN_BYTES = 4 * 1024 * 1024;

/** Read every page from `offset` (bounded by SHOWN_BYTES). */
async function readFrom(
  jobId: string,
  host: string,
  attempt: number | undefined,
  offset: number,
  signal: AbortSignal,
): Promise<OutputPage & { all: OutputChunk[] }> {
  const all: OutputChunk[] = [];
  let page: OutputPage | undefined;
  let at = offset;
  for (let i = 0; i < 64; i++) {
    page = await api<OutputPage>(
      `/v1/jobs/${seg(jobId)}/hosts/${seg(host)}/output${queryString({ attempt, offset: at, format: 'json' })}`,
      { signal },
    );
    all.push(...page.chunks);
    if (page.nextOffset >= page.total || page.nextOffset === at || at - offset > SHOWN_BYTES) break;
    at = page.nextOffset;
  }
  if (!page) throw new Error('no output page');
  return { ...page, all };
}

/** The output of `host` in `jobId` (an attempt, or the current one); polled every second while `live`. */
export function useHostOutput(
  jobId: string,
  host: string,
  attempt: number | undefined,
  live: boolean,
  tick: number,
) {
  const [out, setOut] = useState<HostOutput>({
    chunks: [],
    attempt: 0,
    total: 0,
    truncated: false,
    loading: true,
  });
  useEffect(() => {
    setOut({ chunks: [], attempt: 0, total: 0, truncated: false, loading: true });
  }, [jobId, host, attempt]);
  useEffect(() => {
    const ctl = new AbortController();
    let stop = false;
    let offset = 0;
    let chunks: OutputChunk[] = [];
    const load = async (): Promise<void> => {
      try {
        const page = await readFrom(jobId, host, attempt, offset, ctl.signal);
        if (stop) return;
        chunks = offset === 0 ? page.all : [...chunks, ...page.all];
        offset = page.nextOffset;
        setOut({
          chunks,
          attempt: page.attempt,
          total: page.total,
          truncated: page.truncated,
          loading: false,
        });
      } catch (e: unknown) {
        if (!stop)
          setOut((o) => ({ ...o, loading: false, error: e instanceof Error ? e.message : String(e) }));
      }
    };
    void load();
    const timer = live ? setInterval(() => void load(), 1000) : undefined;
    return () => {
      stop = true;
      ctl.abort();
      if (timer) clearInterval(timer);
    };
  }, [jobId, host, attempt, live, tick]);
  return out;
}
