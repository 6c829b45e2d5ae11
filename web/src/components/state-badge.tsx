// A state shown as shape + label on its colour: never colour alone.
import type { HostState, JobState } from '../../../src/model/index.ts';
import { HOST_LOOKS, JOB_LOOKS } from '../lib/states.ts';

/** A host state badge. */
export function HostStateBadge({ state }: { readonly state: HostState }) {
  const look = HOST_LOOKS[state];
  return (
    <span className="badge" data-state={state} style={{ '--c': `var(${look.color})` } as React.CSSProperties}>
      <span aria-hidden="true">{look.shape}</span> {look.label}
    </span>
  );
}

/** A job state badge (with its reason as a tooltip). */
export function JobStateBadge({ state, reason }: { readonly state: JobState; readonly reason?: string }) {
  const look = JOB_LOOKS[state];
  return (
    <span
      className="badge"
      data-state={state}
      title={reason || look.label}
      style={{ '--c': `var(${look.color})` } as React.CSSProperties}
    >
      <span aria-hidden="true">{look.shape}</span> {look.label}
    </span>
  );
}
