// Paints the timeline on a canvas: a bar per host from start to end, coloured and marked by outcome, in bands.
import type { HostState } from '../../../src/model/index.ts';
import { HOST_STATES, isFailedState } from '../../../src/model/index.ts';
import { HOST_LOOKS, cssColor } from './states.ts';
import type { TimelineLayout } from './timeline-layout.ts';

/** Width of the label gutter, px. */
export const GUTTER = 150;
/** Height of the time axis, px. */
export const AXIS = 18;

/** What one paint needs. */
export interface TimelinePaint {
  readonly width: number;
  readonly height: number;
  readonly layout: TimelineLayout;
  readonly hosts: readonly string[];
  readonly state: Uint8Array;
  readonly startedAt: Float64Array;
  readonly endedAt: Float64Array;
  /** Visible time window. */
  readonly t0: number;
  readonly t1: number;
  readonly now: number;
  /** Row height (may be below 1 px: several hosts share a pixel row). */
  readonly rowHeight: number;
  /** First visible row position in px (vertical scroll). */
  readonly scrollY: number;
  readonly selected: number | undefined;
}

/** Theme colours resolved once per paint. */
function palette(): { fg: string; muted: string; grid: string; bg: string; sel: string; byState: string[] } {
  return {
    fg: cssColor('--fg'),
    muted: cssColor('--muted'),
    grid: cssColor('--grid'),
    bg: cssColor('--bg-raised'),
    sel: cssColor('--accent'),
    byState: HOST_STATES.map((s: HostState) => cssColor(HOST_LOOKS[s].color)),
  };
}

/** Paint everything; returns nothing (the canvas holds the picture). */
export function paintTimeline(ctx: CanvasRenderingContext2D, p: TimelinePaint): void {
  const c = palette();
  ctx.clearRect(0, 0, p.width, p.height);
  ctx.fillStyle = c.bg;
  ctx.fillRect(0, 0, p.width, p.height);
  const plotW = Math.max(1, p.width - GUTTER);
  const span = Math.max(1, p.t1 - p.t0);
  const x = (t: number): number => GUTTER + ((t - p.t0) / span) * plotW;
  paintAxis(ctx, p, c, x);
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, AXIS, p.width, p.height - AXIS);
  ctx.clip();
  const rows = p.layout.rows;
  const h = p.rowHeight;
  const first = Math.max(0, Math.floor(p.scrollY / h));
  const last = Math.min(rows.length, Math.ceil((p.scrollY + p.height - AXIS) / h));
  const barH = Math.max(1, h >= 4 ? h - 1 : h);
  const hatch = h >= 3 ? makeHatch(ctx) : undefined;
  for (let r = first; r < last; r++) {
    const i = rows[r] ?? 0;
    const s = p.startedAt[i] ?? NaN;
    if (Number.isNaN(s)) continue;
    const code = p.state[i] ?? 0;
    const e0 = p.endedAt[i] ?? NaN;
    const e = Number.isNaN(e0) ? p.now : e0;
    const x0 = x(s);
    const x1 = Math.max(x0 + 1, x(e));
    if (x1 < GUTTER || x0 > p.width) continue;
    const y = AXIS + r * h - p.scrollY;
    ctx.fillStyle = c.byState[code] ?? c.muted;
    ctx.fillRect(x0, y, x1 - x0, barH);
    const st = HOST_STATES[code] ?? 'waiting';
    if (hatch && isFailedState(st)) {
      ctx.fillStyle = hatch;
      ctx.fillRect(x0, y, x1 - x0, barH);
    }
    if (st === 'running' && h >= 4) {
      // An open end: an arrow head where the bar is still growing.
      ctx.fillStyle = c.fg;
      ctx.beginPath();
      ctx.moveTo(x1, y);
      ctx.lineTo(x1 + Math.min(6, barH / 2), y + barH / 2);
      ctx.lineTo(x1, y + barH);
      ctx.fill();
    }
    if (i === p.selected) {
      ctx.strokeStyle = c.sel;
      ctx.lineWidth = 2;
      ctx.strokeRect(x0 - 1, y - 1, x1 - x0 + 2, barH + 2);
    }
  }
  paintLabels(ctx, p, c, first, last);
  ctx.restore();
}

function paintAxis(
  ctx: CanvasRenderingContext2D,
  p: TimelinePaint,
  c: ReturnType<typeof palette>,
  x: (t: number) => number,
): void {
  const span = p.t1 - p.t0;
  const steps = [100, 250, 500, 1e3, 2e3, 5e3, 1e4, 3e4, 6e4, 12e4, 3e5, 6e5, 18e5, 36e5, 72e5, 216e5];
  const step = steps.find((s) => ((p.width - GUTTER) * s) / Math.max(1, span) >= 70) ?? 864e5;
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  const first = Math.ceil((p.t0 - (p.t0 % step)) / step) * step;
  for (let t = first, k = 0; t <= p.t1 && k < 200; t += step, k++) {
    const px = x(t);
    if (px < GUTTER) continue;
    ctx.fillStyle = c.grid;
    ctx.fillRect(px, AXIS, 1, p.height - AXIS);
    ctx.fillStyle = c.muted;
    ctx.fillText(axisLabel(t, step), px + 3, AXIS / 2);
  }
}

/** Wall-clock labels (relative ones would shift while zooming), as fine as the tick step. */
function axisLabel(t: number, step: number): string {
  const d = new Date(t);
  const p = (n: number): string => String(n).padStart(2, '0');
  const base = `${p(d.getHours())}:${p(d.getMinutes())}`;
  if (step >= 6e4) return base;
  if (step >= 1e3) return `${base}:${p(d.getSeconds())}`;
  return `${p(d.getMinutes())}:${p(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

function paintLabels(
  ctx: CanvasRenderingContext2D,
  p: TimelinePaint,
  c: ReturnType<typeof palette>,
  first: number,
  last: number,
): void {
  ctx.fillStyle = c.bg;
  ctx.fillRect(0, AXIS, GUTTER - 4, p.height - AXIS);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  const h = p.rowHeight;
  if (h >= 10) {
    ctx.fillStyle = c.fg;
    for (let r = first; r < last; r++) {
      const name = p.hosts[p.layout.rows[r] ?? 0] ?? '';
      ctx.fillText(clip(ctx, name, GUTTER - 10), 4, AXIS + r * h - p.scrollY + h / 2);
    }
  }
  for (const b of p.layout.bands) {
    const y = AXIS + b.start * h - p.scrollY;
    if (y + b.count * h < AXIS || y > p.height) continue;
    ctx.fillStyle = c.grid;
    ctx.fillRect(0, y, p.width, 1);
    if (h < 10) {
      ctx.fillStyle = c.fg;
      ctx.fillText(clip(ctx, `${b.label} (${b.count})`, GUTTER - 10), 4, Math.max(AXIS + 7, y + 8));
    }
  }
}

function clip(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  let s = text;
  while (s.length > 1 && ctx.measureText(`${s}…`).width > width) s = s.slice(0, -1);
  return `${s}…`;
}

let hatchCache: { ctx: CanvasRenderingContext2D; pattern: CanvasPattern } | undefined;

/** Diagonal stripes laid over failed bars (state is never colour alone). */
function makeHatch(ctx: CanvasRenderingContext2D): CanvasPattern | undefined {
  if (hatchCache?.ctx === ctx) return hatchCache.pattern;
  const tile = document.createElement('canvas');
  tile.width = tile.height = 6;
  const t = tile.getContext('2d');
  if (!t) return undefined;
  t.strokeStyle = 'rgba(255,255,255,0.55)';
  t.lineWidth = 1.5;
  t.beginPath();
  t.moveTo(0, 6);
  t.lineTo(6, 0);
  t.stroke();
  const pattern = ctx.createPattern(tile, 'repeat');
  if (!pattern) return undefined;
  hatchCache = { ctx, pattern };
  return pattern;
}

/** The host index under a point of the canvas, or undefined. */
export function hostAt(
  p: Pick<TimelinePaint, 'layout' | 'rowHeight' | 'scrollY'>,
  y: number,
): number | undefined {
  if (y < AXIS) return undefined;
  const r = Math.floor((y - AXIS + p.scrollY) / p.rowHeight);
  return r >= 0 && r < p.layout.rows.length ? p.layout.rows[r] : undefined;
}
