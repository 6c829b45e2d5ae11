// Identical outputs grouped (`dshbak -c`): "127 hosts: same output", one request for the whole job.
import { useEffect, useState } from 'react';
import type { OutputGroup, OutputGroups } from '../../../src/model/index.ts';
import { api, seg } from '../api/client.ts';
import { useHostOutput } from '../api/output.ts';
import { formatBytes, formatCount } from '../lib/format.ts';
import { OutputLines } from './output-lines.tsx';

/** The groups of `jobId`; reloaded when `revision` changes (the page passes a slow-moving counter). */
export function OutputGroupsView({
  jobId,
  revision,
  onSelect,
}: {
  readonly jobId: string;
  readonly revision: number;
  readonly onSelect: (host: string) => void;
}) {
  const [groups, setGroups] = useState<OutputGroups | undefined>();
  const [error, setError] = useState('');
  const [open, setOpen] = useState<string | undefined>();
  useEffect(() => {
    const ctl = new AbortController();
    api<OutputGroups>(`/v1/jobs/${seg(jobId)}/output-groups`, { signal: ctl.signal }).then(
      (g) => {
        setGroups(g);
        setError('');
      },
      (e: unknown) => {
        if (!ctl.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      },
    );
    return () => ctl.abort();
  }, [jobId, revision]);
  if (error) return <p className="error">{error}</p>;
  if (!groups) return <p className="muted">grouping outputs…</p>;
  const first = groups.groups[0];
  const shownOpen = open ?? (groups.groups.length <= 3 ? first?.digest : undefined);
  return (
    <section className="panel" aria-label="grouped output">
      <header className="panel-head">
        <h2>Output, identical outputs grouped</h2>
        <span className="muted">
          {formatCount(groups.groups.length)} distinct output{groups.groups.length === 1 ? '' : 's'}
          {groups.notRun > 0 && ` · ${formatCount(groups.notRun)} hosts have not run`}
        </span>
      </header>
      {groups.groups.length === 0 && <p className="muted">No host has run yet.</p>}
      <ol className="groups">
        {groups.groups.map((g) => (
          <GroupItem
            key={g.digest}
            jobId={jobId}
            group={g}
            open={shownOpen === g.digest}
            onToggle={() => setOpen(shownOpen === g.digest ? '' : g.digest)}
            onSelect={onSelect}
          />
        ))}
      </ol>
    </section>
  );
}

function GroupItem(props: {
  jobId: string;
  group: OutputGroup;
  open: boolean;
  onToggle: () => void;
  onSelect: (host: string) => void;
}) {
  const { group: g, open } = props;
  const n = g.hosts.length;
  return (
    <li className="group" data-testid="output-group">
      <button type="button" className="group-head" aria-expanded={open} onClick={props.onToggle}>
        <span aria-hidden="true">{open ? '▾' : '▸'}</span>{' '}
        <b>
          {formatCount(n)} host{n === 1 ? '' : 's'}
        </b>
        : {n === 1 ? 'this output' : 'same output'} <span className="muted">({formatBytes(g.bytes)})</span>
      </button>
      <div className="group-hosts">
        {g.hosts.slice(0, 40).map((h) => (
          <button type="button" className="link host-chip" key={h} onClick={() => props.onSelect(h)}>
            {h}
          </button>
        ))}
        {n > 40 && <span className="muted"> and {formatCount(n - 40)} more</span>}
      </div>
      {open && g.hosts[0] !== undefined && <GroupOutput jobId={props.jobId} host={g.hosts[0]} />}
    </li>
  );
}

function GroupOutput({ jobId, host }: { jobId: string; host: string }) {
  const out = useHostOutput(jobId, host, undefined, false, 0);
  if (out.error) return <p className="error">{out.error}</p>;
  return <OutputLines chunks={out.chunks} empty={out.loading ? 'loading…' : 'no output'} />;
}
