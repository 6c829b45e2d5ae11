// Retry or skip one host, for operators, after a confirmation.
import { useState } from 'react';
import type { JobView } from '../../../src/model/index.ts';
import { isFailedState } from '../../../src/model/index.ts';
import { api, seg } from '../api/client.ts';
import type { JobModel } from '../state/job-model.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';

/** Buttons for what may be done to `host` now (nothing for viewers). */
export function HostActions({
  model,
  host,
  canOperate,
  onActed,
}: {
  readonly model: JobModel;
  readonly host: string;
  readonly canOperate: boolean;
  readonly onActed: () => void;
}) {
  const [asking, setAsking] = useState<'retry' | 'skip' | undefined>();
  const i = model.index.get(host);
  const job = model.job;
  if (!canOperate || i === undefined || !job) return null;
  const state = model.hostState(i);
  const retry = isFailedState(state);
  const skip = retry || state === 'waiting' || state === 'ready' || state === 'halted';
  const act = async (verb: 'retry' | 'skip'): Promise<void> => {
    await api<JobView>(`/v1/jobs/${seg(job.id)}/${verb}`, { method: 'POST', body: { hosts: [host] } });
    onActed();
  };
  return (
    <span className="buttons">
      {retry && (
        <button type="button" onClick={() => setAsking('retry')}>
          ↻ Retry host
        </button>
      )}
      {skip && (
        <button type="button" onClick={() => setAsking('skip')}>
          » Skip host
        </button>
      )}
      {asking && (
        <ConfirmDialog
          title={`${asking === 'retry' ? 'Retry' : 'Skip'} ${host}?`}
          confirmLabel={asking === 'retry' ? 'Retry' : 'Skip'}
          onConfirm={() => act(asking)}
          onClose={() => setAsking(undefined)}
        >
          {asking === 'retry' ? (
            <p>
              The command runs again on <b>{host}</b> as a new attempt
              {job.state !== 'running' ? ', and the job is re-opened' : ''}.
            </p>
          ) : (
            <p>
              <b>{host}</b> counts as done: it releases its slots and the hosts after it may start. The
              command does not run there.
            </p>
          )}
        </ConfirmDialog>
      )}
    </span>
  );
}
