// An operator's action on a job's rollout, the same whether it came through this server's API or another's.
import { PogoError, isTerminalJobState } from '../model/index.ts';
import type { JobAction } from '../store/index.ts';
import type { JobDriver } from './job-driver.ts';

/** What an action needs beyond the driver: cancelling running tasks (halt --kill), the envelope check. */
export interface ActionContext {
  readonly cancelRunning: (d: JobDriver) => void;
  readonly holdsEnvelope: (jobId: string) => boolean;
}

/** Apply `action` by `by` at `now`; throws JOB_BAD_STATE, JOB_NEEDS_PASSWORD or ENGINE_* as the engine does. */
export function applyAction(
  d: JobDriver,
  action: JobAction,
  by: string,
  now: number,
  ctx: ActionContext,
): void {
  switch (action.kind) {
    case 'halt': {
      const state = d.rollout.jobStateNow;
      if (isTerminalJobState(state) || (d.rollout.draining && !action.kill)) {
        throw new PogoError(
          'JOB_BAD_STATE',
          `job ${d.id} is ${d.rollout.draining ? 'already halting' : state}`,
          { hint: state === 'halted' ? 'resume it with pogo resume' : 'there is nothing to halt' },
        );
      }
      d.note({ type: 'job:halt-requested', t: now, by, kill: action.kill });
      d.rollout.halt(now, `halted by ${by}`);
      if (action.kill) ctx.cancelRunning(d);
      return;
    }
    case 'resume':
      if (d.sealed && !ctx.holdsEnvelope(d.id)) {
        throw new PogoError(
          'JOB_NEEDS_PASSWORD',
          `job ${d.id} needs the password again: the server no longer holds it`,
          { hint: `pogo resume ${d.id} --password` },
        );
      }
      return d.rollout.resume(now, by);
    case 'retry':
      return d.rollout.retry(action.hosts, now, by);
    case 'skip':
      return d.rollout.skip(action.hosts, now, by);
  }
}

/** Check an action read from the store (another server wrote it): a wrong one is refused, not guessed at. */
export function checkAction(a: unknown): JobAction {
  const o = a as { kind?: unknown; kill?: unknown; hosts?: unknown } | null;
  const hosts = Array.isArray(o?.hosts) && o.hosts.every((h) => typeof h === 'string');
  if (o?.kind === 'halt' && typeof o.kill === 'boolean') return o as JobAction;
  if (o?.kind === 'resume') return o as JobAction;
  if ((o?.kind === 'retry' || o?.kind === 'skip') && hosts) return o as JobAction;
  throw new PogoError('JOB_BAD_REQUEST', `not an action Pogo knows: ${JSON.stringify(a).slice(0, 200)}`);
}
