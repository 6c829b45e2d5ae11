// The live timeline: a canvas bar per host (10,000 hosts are one canvas, not 10,000 nodes), zoom, pan, hover.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { JobPlanView } from '../../../src/model/index.ts';
import { AXIS, GUTTER, hostAt, paintTimeline } from '../lib/draw-timeline.ts';
import { formatDuration, formatTime } from '../lib/format.ts';
import { HOST_LOOKS, COUNT_ORDER } from '../lib/states.ts';
import type { Grouping } from '../lib/timeline-layout.ts';
import { layoutTimeline } from '../lib/timeline-layout.ts';
import type { TimeWindow } from '../lib/time-window.ts';
import { jobSpan } from '../lib/time-window.ts';
import type { JobModel } from '../state/job-model.ts';
import { useCanvas } from './use-canvas.ts';
import { GroupCurves } from './group-curves.tsx';

const HEIGHT = 340;
type RowSize = 'fit' | '3' | '8' | '16';

/** Timeline with its controls and the per-group curves under it. */
export function TimelinePanel({
  model,
  plan,
  version,
  now,
  selected,
  onSelect,
  grouping,
  onGrouping,
}: {
  readonly model: JobModel;
  readonly plan: JobPlanView | undefined;
  readonly version: number;
  readonly now: number;
  readonly selected: string | undefined;
  readonly onSelect: (host: string) => void;
  readonly grouping: Grouping;
  readonly onGrouping: (g: Grouping) => void;
}) {
  const [rowSize, setRowSize] = useState<RowSize>(model.hosts.length > 60 ? 'fit' : '16');
  const [zoom, setZoom] = useState<TimeWindow | undefined>(undefined);
  const [scrollY, setScrollY] = useState(0);
  const [hover, setHover] = useState<{ x: number; y: number; host: number } | undefined>();
  const layout = useMemo(
    () => layoutTimeline(plan, model.hosts.length, grouping),
    [plan, model.hosts.length, grouping],
  );
  const full = jobSpan(model, now);
  const win = zoom ?? full;
  const rowHeight =
    rowSize === 'fit'
      ? Math.max(0.02, Math.min(16, (HEIGHT - AXIS) / Math.max(1, layout.rows.length)))
      : Number(rowSize);
  // A short job gets a short canvas; a long one scrolls inside HEIGHT.
  const height = Math.min(HEIGHT, Math.ceil(AXIS + layout.rows.length * rowHeight + 2));
  const maxScroll = Math.max(0, layout.rows.length * rowHeight - (height - AXIS));
  const selectedIndex = selected === undefined ? undefined : model.index.get(selected);
  const { ref, width } = useCanvas(height, (ctx, w) => {
    paintTimeline(ctx, {
      width: w,
      height,
      layout,
      hosts: model.hosts,
      state: model.state,
      startedAt: model.startedAt,
      endedAt: model.endedAt,
      t0: win.t0,
      t1: win.t1,
      now,
      rowHeight,
      scrollY: Math.min(scrollY, maxScroll),
      selected: selectedIndex,
    });
    if (model.hosts.length > 0) performance.mark('pogo:timeline-painted');
  });
  void version;
  const zoomBy = (factor: number, at?: number): void => {
    const center = at ?? (win.t0 + win.t1) / 2;
    const span = Math.max(50, (win.t1 - win.t0) * factor);
    const r = (center - win.t0) / Math.max(1, win.t1 - win.t0);
    const t0 = center - span * r;
    setZoom(span >= full.t1 - full.t0 ? undefined : { t0, t1: t0 + span });
  };
  const timeAt = (px: number): number =>
    win.t0 + ((px - GUTTER) / Math.max(1, width - GUTTER)) * (win.t1 - win.t0);
  const wheelState = useRef({ win, maxScroll, zoomBy, timeAt });
  wheelState.current = { win, maxScroll, zoomBy, timeAt };
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const onWheel = (e: WheelEvent): void => {
      const s = wheelState.current;
      if (e.ctrlKey || e.metaKey) {
        e.preventDefault();
        s.zoomBy(e.deltaY > 0 ? 1.25 : 0.8, s.timeAt(e.offsetX));
      } else if (s.maxScroll > 0) {
        e.preventDefault();
        setScrollY((y) => Math.max(0, Math.min(s.maxScroll, y + e.deltaY)));
      }
    };
    canvas.addEventListener('wheel', onWheel, { passive: false });
    return () => canvas.removeEventListener('wheel', onWheel);
  }, [ref]);
  const drag = useRef<{ x: number; win: TimeWindow } | undefined>(undefined);
  const hovered = hover ? hover.host : undefined;
  return (
    <section className="panel" aria-label="timeline">
      <header className="panel-head">
        <h2>Timeline</h2>
        <label>
          group by{' '}
          <select value={grouping} onChange={(e) => onGrouping(e.target.value as Grouping)}>
            <option value="slot">plan slot</option>
            <option value="group">constraint group</option>
            <option value="none">plan order</option>
          </select>
        </label>
        <label>
          rows{' '}
          <select value={rowSize} onChange={(e) => setRowSize(e.target.value as RowSize)}>
            <option value="fit">fit all</option>
            <option value="3">3 px</option>
            <option value="8">8 px</option>
            <option value="16">16 px (names)</option>
          </select>
        </label>
        <span className="buttons">
          <button
            type="button"
            onClick={() => zoomBy(0.5)}
            title="zoom in (ctrl + wheel)"
            aria-label="zoom in"
          >
            +
          </button>
          <button type="button" onClick={() => zoomBy(2)} title="zoom out" aria-label="zoom out">
            −
          </button>
          <button type="button" onClick={() => setZoom(undefined)} disabled={!zoom}>
            fit
          </button>
        </span>
        <TimelineLegend />
      </header>
      <div className="canvas-box">
        <canvas
          ref={ref}
          role="img"
          aria-label={`timeline of ${model.hosts.length} hosts`}
          data-testid="timeline"
          onMouseMove={(e) => {
            const d = drag.current;
            if (d) {
              const dt =
                ((d.x - e.nativeEvent.offsetX) / Math.max(1, width - GUTTER)) * (d.win.t1 - d.win.t0);
              setZoom({ t0: d.win.t0 + dt, t1: d.win.t1 + dt });
              return;
            }
            const h = hostAt(
              { layout, rowHeight, scrollY: Math.min(scrollY, maxScroll) },
              e.nativeEvent.offsetY,
            );
            setHover(
              h === undefined ? undefined : { x: e.nativeEvent.offsetX, y: e.nativeEvent.offsetY, host: h },
            );
          }}
          onMouseDown={(e) => {
            if (zoom) drag.current = { x: e.nativeEvent.offsetX, win };
          }}
          onMouseUp={() => (drag.current = undefined)}
          onMouseLeave={() => {
            drag.current = undefined;
            setHover(undefined);
          }}
          onClick={(e) => {
            const h = hostAt(
              { layout, rowHeight, scrollY: Math.min(scrollY, maxScroll) },
              e.nativeEvent.offsetY,
            );
            const name = h === undefined ? undefined : model.hosts[h];
            if (name !== undefined) onSelect(name);
          }}
        />
        {hovered !== undefined && hover && (
          <HostTip model={model} host={hovered} x={hover.x} y={hover.y} now={now} />
        )}
      </div>
      <GroupCurves model={model} plan={plan} version={version} now={now} window={win} />
    </section>
  );
}

function HostTip({
  model,
  host,
  x,
  y,
  now,
}: {
  model: JobModel;
  host: number;
  x: number;
  y: number;
  now: number;
}) {
  const s = model.hostState(host);
  const start = model.startedAt[host] ?? NaN;
  const end = model.endedAt[host] ?? NaN;
  const exit = model.exit(host);
  return (
    <div className="tip" style={{ left: Math.min(x + 12, 9999), top: y + 12 }} role="tooltip">
      <b>{model.hosts[host]}</b> — {HOST_LOOKS[s].shape} {HOST_LOOKS[s].label}
      {!Number.isNaN(start) && (
        <div>
          {formatTime(start)} · {formatDuration((Number.isNaN(end) ? now : end) - start)}
          {exit !== null && ` · exit ${exit}`}
        </div>
      )}
      {model.message[host] && <div className="muted">{model.message[host]}</div>}
    </div>
  );
}

function TimelineLegend() {
  return (
    <ul className="legend" aria-label="legend">
      {COUNT_ORDER.filter((s) => s !== 'waiting' && s !== 'ready').map((s) => (
        <li key={s}>
          <span
            className="legend-swatch"
            data-failed={['failed', 'unreachable', 'timed_out', 'lost'].includes(s)}
            style={{ background: `var(${HOST_LOOKS[s].color})` }}
          />
          {HOST_LOOKS[s].shape} {HOST_LOOKS[s].label}
        </li>
      ))}
    </ul>
  );
}
