// Per constraint group: how many hosts were out at once over time (a step curve) against the group's limit.
import { memo, useDeferredValue, useMemo, useState } from 'react';
import { useThrottled } from '../lib/use-throttled.ts';
import type { JobPlanView } from '../../../src/model/index.ts';
import { isFailedState } from '../../../src/model/index.ts';
import { GUTTER } from '../lib/draw-timeline.ts';
import { cssColor } from '../lib/states.ts';
import type { Step } from '../lib/timeline-layout.ts';
import { concurrency } from '../lib/timeline-layout.ts';
import type { JobModel } from '../state/job-model.ts';
import type { TimeWindow } from '../lib/time-window.ts';
import { useCanvas } from './use-canvas.ts';

const CURVE_H = 64;
const SHOWN = 6;

/** Curves for the job's groups, the busiest (peak against limit) first. */
export function GroupCurves({
  model,
  plan,
  version,
  now,
  window,
}: {
  readonly model: JobModel;
  readonly plan: JobPlanView | undefined;
  readonly version: number;
  readonly now: number;
  readonly window: TimeWindow;
}) {
  const [all, setAll] = useState(false);
  const holdUntil = model.job?.endedAt ?? now;
  // Curves sort every host's start and end: while events stream, at most twice a second.
  // Deferred, starting from nothing: the page's first paint does not wait for 100 curves.
  const slow = useDeferredValue(useThrottled(version, 500), -1);
  const curves = useMemo(() => {
    if (!plan || slow < 0) return [];
    const failed = (h: number): boolean => isFailedState(model.hostState(h));
    return plan.groups
      .map((g) => ({ g, ...concurrency(g.hosts, model.startedAt, model.endedAt, failed, holdUntil) }))
      .sort((a, b) => b.peak / b.g.limit - a.peak / a.g.limit);
    // `slow` (the version, throttled): the model's arrays change in place, so it is what says they did.
  }, [plan, model, slow, holdUntil]);
  if (curves.length === 0) return null;
  const shown = all ? curves : curves.slice(0, SHOWN);
  return (
    <div className="curves">
      <h3>
        Hosts out at once per group, against the limit{' '}
        <span className="muted">(running, and failed hosts that keep their slot)</span>
      </h3>
      {shown.map(({ g, steps, peak }) => (
        <Curve
          key={g.id}
          label={g.label}
          limit={g.limit}
          steps={steps}
          peak={peak}
          t0={window.t0}
          t1={window.t1}
          now={now}
        />
      ))}
      {curves.length > SHOWN && (
        <button type="button" className="link" onClick={() => setAll(!all)}>
          {all ? 'show the busiest only' : `show all ${curves.length} groups`}
        </button>
      )}
    </div>
  );
}

/** One curve; memoised on primitive props, so a frame of events repaints only the curves that changed. */
const Curve = memo(function Curve(props: {
  label: string;
  limit: number;
  steps: Step[];
  peak: number;
  t0: number;
  t1: number;
  now: number;
}) {
  const { label, limit, steps, peak, now } = props;
  const w = { t0: props.t0, t1: props.t1 };
  const { ref } = useCanvas(CURVE_H, (ctx, width) => {
    const top = Math.max(limit, peak, 1);
    const plotW = Math.max(1, width - GUTTER);
    const x = (t: number): number => GUTTER + ((t - w.t0) / Math.max(1, w.t1 - w.t0)) * plotW;
    const y = (v: number): number => CURVE_H - 4 - (v / top) * (CURVE_H - 14);
    ctx.clearRect(0, 0, width, CURVE_H);
    ctx.fillStyle = cssColor('--bg-raised');
    ctx.fillRect(0, 0, width, CURVE_H);
    ctx.fillStyle = cssColor('--fg');
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'top';
    ctx.fillText(`${label}`, 4, 4);
    ctx.fillStyle = cssColor('--muted');
    ctx.fillText(`peak ${peak} / limit ${limit}`, 4, 20);
    // The limit: dashed.
    ctx.strokeStyle = cssColor('--st-failed');
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(GUTTER, y(limit));
    ctx.lineTo(width, y(limit));
    ctx.stroke();
    ctx.setLineDash([]);
    // The curve: a filled step line.
    ctx.strokeStyle = cssColor('--accent');
    ctx.fillStyle = cssColor('--accent-soft');
    ctx.beginPath();
    ctx.moveTo(GUTTER, y(0));
    let v = 0;
    for (const s of steps) {
      const px = Math.max(GUTTER, Math.min(width, x(s.t)));
      ctx.lineTo(px, y(v));
      ctx.lineTo(px, y(s.value));
      v = s.value;
    }
    ctx.lineTo(Math.min(width, x(now)), y(v));
    ctx.lineTo(Math.min(width, x(now)), y(0));
    ctx.closePath();
    ctx.fill();
    ctx.stroke();
  });
  return (
    <div className="canvas-box">
      <canvas ref={ref} role="img" aria-label={`${label}: at most ${peak} out at once, limit ${limit}`} />
    </div>
  );
});
