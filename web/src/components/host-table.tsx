// The job's hosts: a virtualised table (10,000 rows, a few dozen in the DOM), sort and filter in the URL.
import { useMemo } from 'react';
import type { HostState } from '../../../src/model/index.ts';
import { HOST_STATES } from '../../../src/model/index.ts';
import { formatCount, formatDuration, formatTime } from '../lib/format.ts';
import type { HostQuery, SortKey } from '../lib/host-order.ts';
import { orderHosts } from '../lib/host-order.ts';
import { HOST_LOOKS } from '../lib/states.ts';
import type { JobModel } from '../state/job-model.ts';
import { HostStateBadge } from './state-badge.tsx';
import { VirtualRows } from './virtual-rows.tsx';

const ROW = 28;

const COLUMNS: readonly { key: SortKey; label: string }[] = [
  { key: 'name', label: 'host' },
  { key: 'state', label: 'state' },
  { key: 'start', label: 'started' },
  { key: 'duration', label: 'duration' },
  { key: 'exit', label: 'exit' },
];

/** The table with its filter bar. The query lives in the URL; `onQuery` changes it. */
export function HostTable({
  model,
  version,
  now,
  query,
  onQuery,
  selected,
  onSelect,
  order: given,
}: {
  readonly model: JobModel;
  readonly version: number;
  readonly now: number;
  readonly query: HostQuery;
  readonly onQuery: (q: Partial<HostQuery>) => void;
  readonly selected: string | undefined;
  readonly onSelect: (host: string) => void;
  /** The order to show (the page computes it once for the table and the keyboard). */
  readonly order?: Int32Array;
}) {
  const order = useMemo(
    () => given ?? orderHosts(model, query, now),
    // `version`: the model's arrays change in place.
    [given, model, query, now, version],
  );
  const selectedIndex = selected === undefined ? -1 : (model.index.get(selected) ?? -1);
  const position = order.indexOf(selectedIndex);
  const toggle = (s: HostState): void => {
    const has = query.states.includes(s);
    onQuery({ states: has ? query.states.filter((x) => x !== s) : [...query.states, s] });
  };
  return (
    <section className="panel" aria-label="hosts">
      <header className="panel-head">
        <h2>Hosts</h2>
        <input
          type="search"
          placeholder="filter by name ( / )"
          aria-label="filter hosts by name"
          value={query.text}
          data-hotkey="/"
          onChange={(e) => onQuery({ text: e.target.value })}
        />
        <span className="chips" role="group" aria-label="filter by state">
          {HOST_STATES.filter((s) => model.countOf(s) > 0 || query.states.includes(s)).map((s) => (
            <button
              type="button"
              key={s}
              className="chip"
              aria-pressed={query.states.includes(s)}
              onClick={() => toggle(s)}
              style={{ '--c': `var(${HOST_LOOKS[s].color})` } as React.CSSProperties}
            >
              {HOST_LOOKS[s].shape} {HOST_LOOKS[s].label} {formatCount(model.countOf(s))}
            </button>
          ))}
        </span>
        <span className="muted">
          {formatCount(order.length)} of {formatCount(model.hosts.length)}
        </span>
      </header>
      <div className="table" role="table" aria-label="hosts of the job" aria-rowcount={order.length}>
        <div className="tr th" role="row">
          {COLUMNS.map((c) => (
            <button
              type="button"
              role="columnheader"
              key={c.key}
              className={`td col-${c.key}`}
              aria-sort={query.sort === c.key ? (query.desc ? 'descending' : 'ascending') : 'none'}
              onClick={() =>
                onQuery(query.sort === c.key ? { desc: !query.desc } : { sort: c.key, desc: false })
              }
            >
              {c.label} {query.sort === c.key ? (query.desc ? '▼' : '▲') : ''}
            </button>
          ))}
          <span className="td col-message" role="columnheader">
            message
          </span>
        </div>
        <VirtualRows
          count={order.length}
          rowHeight={ROW}
          height={Math.min(420, Math.max(ROW * 3, order.length * ROW))}
          scrollTo={position}
          label="host rows"
          row={(r) => {
            const i = order[r] ?? 0;
            const name = model.hosts[i] ?? '';
            const start = model.startedAt[i] ?? NaN;
            const end = model.endedAt[i] ?? NaN;
            const exit = model.exit(i);
            return (
              <div
                key={i}
                role="row"
                className="tr"
                aria-selected={i === selectedIndex}
                data-host={name}
                onClick={() => onSelect(name)}
                style={{ height: ROW }}
              >
                <span className="td col-name" role="cell" title={name}>
                  {name}
                </span>
                <span className="td col-state" role="cell">
                  <HostStateBadge state={model.hostState(i)} />
                </span>
                <span className="td col-start" role="cell">
                  {Number.isNaN(start) ? '—' : formatTime(start).slice(11)}
                </span>
                <span className="td col-duration" role="cell">
                  {Number.isNaN(start) ? '—' : formatDuration((Number.isNaN(end) ? now : end) - start)}
                </span>
                <span className="td col-exit" role="cell">
                  {exit ?? '—'}
                </span>
                <span className="td col-message" role="cell" title={model.message[i]}>
                  {model.message[i]}
                </span>
              </div>
            );
          }}
        />
      </div>
    </section>
  );
}
