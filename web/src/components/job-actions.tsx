// Halt, resume, retry failed hosts and roll back: shown to operators of the job's namespace, each confirmed.
import { useState } from 'react';
import type { JobRecord, JobView } from '../../../src/model/index.ts';
import { isFailedState } from '../../../src/model/index.ts';
import { api, seg } from '../api/client.ts';
import { formatCount } from '../lib/format.ts';
import { navigate } from '../lib/router.ts';
import type { JobModel } from '../state/job-model.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';

type Verb = 'halt' | 'resume' | 'retry' | 'rollback';

/** The job's action buttons (none for viewers: the server refuses them anyway). */
export function JobActions({
  model,
  canOperate,
  onActed,
}: {
  readonly model: JobModel;
  readonly canOperate: boolean;
  readonly onActed: (view?: JobView) => void;
}) {
  const [asking, setAsking] = useState<Verb | undefined>();
  const [kill, setKill] = useState(false);
  const [command, setCommand] = useState('');
  const job = model.job;
  if (!canOperate || !job) return null;
  const failed = model.hosts.filter((_, i) => isFailedState(model.hostState(i)));
  const running = job.state === 'running' || job.state === 'pending' || job.state === 'needs-password';
  const canHalt = running && !job.draining;
  const canResume = job.state === 'halted' || job.draining;
  const canRollback = model.countOf('succeeded') > 0 && !running;
  const post = (path: string, body: unknown) =>
    api<JobView>(`/v1/jobs/${seg(job.id)}/${path}`, { method: 'POST', body });
  const act = async (verb: Verb): Promise<void> => {
    if (verb === 'halt') onActed(await post('halt', { kill }));
    else if (verb === 'resume') onActed(await post('resume', {}));
    else if (verb === 'retry') onActed(await post('retry', { hosts: failed }));
    else {
      const created = await api<JobRecord>(`/v1/jobs/${seg(job.id)}/rollback`, {
        method: 'POST',
        body: { command },
      });
      navigate(`/jobs/${created.id}`);
    }
  };
  return (
    <div className="buttons job-actions">
      {canHalt && (
        <button type="button" className="danger" onClick={() => setAsking('halt')}>
          ■ Halt
        </button>
      )}
      {canResume && (
        <button type="button" onClick={() => setAsking('resume')}>
          ▶ Resume
        </button>
      )}
      {failed.length > 0 && (
        <button type="button" onClick={() => setAsking('retry')}>
          ↻ Retry {formatCount(failed.length)} failed
        </button>
      )}
      {canRollback && (
        <button type="button" onClick={() => setAsking('rollback')}>
          ↶ Roll back
        </button>
      )}
      {asking === 'halt' && (
        <ConfirmDialog
          title={`Halt job ${job.id}?`}
          confirmLabel="Halt"
          danger
          onConfirm={() => act('halt')}
          onClose={() => setAsking(undefined)}
        >
          <p>
            Nothing new starts. Hosts running now finish (drain), then the job is halted; resume takes it up
            again.
          </p>
          <label>
            <input type="checkbox" checked={kill} onChange={(e) => setKill(e.target.checked)} /> also kill the{' '}
            {formatCount(model.countOf('running'))} commands running now
          </label>
        </ConfirmDialog>
      )}
      {asking === 'resume' && (
        <ConfirmDialog
          title={`Resume job ${job.id}?`}
          confirmLabel="Resume"
          onConfirm={() => act('resume')}
          onClose={() => setAsking(undefined)}
        >
          <p>Halted hosts wait again and start within the limits.</p>
        </ConfirmDialog>
      )}
      {asking === 'retry' && (
        <ConfirmDialog
          title={`Retry ${formatCount(failed.length)} failed hosts?`}
          confirmLabel="Retry"
          onConfirm={() => act('retry')}
          onClose={() => setAsking(undefined)}
        >
          <p>
            The command runs again on {failed.slice(0, 5).join(', ')}
            {failed.length > 5 ? ` and ${formatCount(failed.length - 5)} more` : ''}, each as a new attempt.
          </p>
        </ConfirmDialog>
      )}
      {asking === 'rollback' && (
        <ConfirmDialog
          title={`Roll back job ${job.id}?`}
          confirmLabel="Start the rollback"
          danger
          onConfirm={() => act('rollback')}
          onClose={() => setAsking(undefined)}
        >
          <p>
            A new job runs this command on the {formatCount(model.countOf('succeeded'))} hosts that succeeded,
            in reverse order, with the same limits.
          </p>
          <label className="block">
            rollback command
            <input
              value={command}
              onChange={(e) => setCommand(e.target.value)}
              placeholder="e.g. apt-get install -y app=1.4.2"
            />
          </label>
        </ConfirmDialog>
      )}
    </div>
  );
}
