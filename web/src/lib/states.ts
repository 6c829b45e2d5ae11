// How each host and job state looks: a label, a shape (never colour alone) and a colour token of the theme.
import type { HostState, JobState } from '../../../src/model/index.ts';

/** Presentation of one state. `color` names a CSS custom property of styles.css (`--st-failed`). */
export interface StateLook {
  readonly label: string;
  readonly shape: string;
  readonly color: string;
}

/** Host states, in the order counts and legends show them. */
export const HOST_LOOKS: Readonly<Record<HostState, StateLook>> = {
  running: { label: 'running', shape: '▶', color: '--st-running' },
  waiting: { label: 'waiting', shape: '○', color: '--st-waiting' },
  ready: { label: 'ready', shape: '◌', color: '--st-ready' },
  succeeded: { label: 'succeeded', shape: '✓', color: '--st-succeeded' },
  failed: { label: 'failed', shape: '✗', color: '--st-failed' },
  unreachable: { label: 'unreachable', shape: '⊘', color: '--st-unreachable' },
  timed_out: { label: 'timed out', shape: '◷', color: '--st-timed-out' },
  lost: { label: 'lost', shape: '?', color: '--st-lost' },
  skipped: { label: 'skipped', shape: '»', color: '--st-skipped' },
  halted: { label: 'halted', shape: '■', color: '--st-halted' },
};

/** Job states. */
export const JOB_LOOKS: Readonly<Record<JobState, StateLook>> = {
  pending: { label: 'pending', shape: '○', color: '--st-waiting' },
  running: { label: 'running', shape: '▶', color: '--st-running' },
  'needs-password': { label: 'needs password', shape: '⚷', color: '--st-timed-out' },
  succeeded: { label: 'succeeded', shape: '✓', color: '--st-succeeded' },
  failed: { label: 'failed', shape: '✗', color: '--st-failed' },
  halted: { label: 'halted', shape: '■', color: '--st-halted' },
};

/** The order of host states in count bars: what is happening, then what went well, then what did not. */
export const COUNT_ORDER: readonly HostState[] = [
  'running',
  'succeeded',
  'failed',
  'unreachable',
  'timed_out',
  'lost',
  'skipped',
  'halted',
  'ready',
  'waiting',
];

/** Resolved colours by token, for the theme in force: reading styles in every frame would force a style recalc. */
const colors = new Map<string, string>();
let colorsTheme: string | undefined;

/** The resolved colour of a theme token (canvas drawing needs real colours); cached until the theme changes. */
export function cssColor(token: string): string {
  const theme = document.documentElement.dataset.theme ?? '';
  if (theme !== colorsTheme) {
    colors.clear();
    colorsTheme = theme;
  }
  let c = colors.get(token);
  if (c === undefined) {
    c = getComputedStyle(document.documentElement).getPropertyValue(token).trim() || '#888';
    colors.set(token, c);
  }
  return c;
}
