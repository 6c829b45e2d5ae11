// Follows a server job to its end as `pogo one` shows a local one: host lines, a live progress line, a summary.
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobRecord, JobView } from '../../model/index.ts';
import { PogoError, isTerminalJobState } from '../../model/index.ts';
import type { CommandContext } from '../context.ts';
import { EXIT_CODES, exitCodeForJob } from '../exit-codes.ts';
import { countsLine, progressLine } from '../one-view.ts';
import { eventJson, liveEventLine } from './event-view.ts';
import { JobTally } from './job-tally.ts';
import type { PogoApi } from './pogo-api.ts';
import type { ReconnectInfo } from './sse.ts';

/** Options of {@link followJob}. */
export interface FollowJobOptions {
  /** One JSON object per event and a summary line, instead of text. */
  readonly json: boolean;
}

const DETACHED = 'detached';

/**
 * Print the job's events from its first until the server ends the stream, then a summary; the exit code
 * comes from the final state (0, 1, 2). Ctrl-C stops following only: the job keeps running (exit 130).
 */
export async function followJob(
  api: PogoApi,
  job: JobRecord,
  ctx: CommandContext,
  options: FollowJobOptions,
): Promise<number> {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort(DETACHED);
  process.on('SIGINT', onSigint);
  const tally = new JobTally(job.hostCount);
  const followStart = Date.now();
  const tty = !options.json && process.stderr.isTTY === true;
  let progress = '';
  const clearProgress = (): void => {
    if (progress) process.stderr.write('\r\u001b[K');
    progress = '';
  };
  const say = (line: string): void => {
    clearProgress();
    ctx.io.out(line + '\n');
  };
  const onReconnect = reconnectNotice(ctx, clearProgress);
  const ticker = tty
    ? setInterval(() => {
        progress = progressLine(tally.counts(), tally.total, Date.now() - followStart);
        process.stderr.write(`\r\u001b[K${progress}`);
      }, 250)
    : undefined;
  let after = 0;
  try {
    for (;;) {
      const events = api.followEvents(job.id, { after, signal: controller.signal, onReconnect });
      for await (const e of events) {
        after = e.seq;
        tally.apply(e);
        const line = options.json ? eventJson(e, job.createdAt) : liveEventLine(e);
        if (line !== undefined) say(line);
      }
      const view = await api.getJob(job.id);
      if (isTerminalJobState(view.state)) {
        clearProgress();
        ctx.io.out(summaryText(view, options.json));
        return exitCodeForJob(view.state);
      }
      // The stream ended but the job did not (re-opened, or a server shutting down): follow on.
      await sleep(1_000, undefined, { signal: controller.signal });
    }
  } catch (e: unknown) {
    if (!controller.signal.aborted) throw e;
    clearProgress();
    ctx.io.err(`pogo: detached; job ${job.id} keeps running. Halt it with: pogo halt ${job.id}\n`);
    return EXIT_CODES.interrupted;
  } finally {
    clearInterval(ticker);
    process.off('SIGINT', onSigint);
  }
}

/**
 * Tell stderr that the event stream broke and when the next try is: on the first failure, then about every
 * minute while the server stays away (at 5 s apart, every 12th try).
 */
export function reconnectNotice(
  ctx: CommandContext,
  before: () => void = () => undefined,
): (info: ReconnectInfo) => void {
  return (info) => {
    if (info.attempt !== 1 && info.attempt % 12 !== 0) return;
    before();
    const cause = info.cause instanceof Error ? info.cause.message : String(info.cause);
    const again = info.attempt === 1 ? '' : ` (try ${info.attempt})`;
    ctx.io.err(`pogo: lost the event stream (${cause}); reconnecting in ${info.delayMs / 1000}s${again}\n`);
  };
}

/** `ID failed (1 host failed) in 12.3s` and the counts, or the JSON summary line. */
export function summaryText(view: JobView | JobRecord, json: boolean): string {
  const seconds = ((view.endedAt ?? view.createdAt) - view.createdAt) / 1000;
  if (json) {
    return (
      JSON.stringify({
        type: 'summary',
        job: view.id,
        state: view.state,
        reason: view.reason,
        seconds,
        counts: view.counts,
      }) + '\n'
    );
  }
  const reason = view.reason ? ` (${view.reason})` : '';
  return `\n${view.id} ${view.state}${reason} in ${seconds.toFixed(1)}s\nhosts: ${countsLine(view.counts)}\n`;
}

/** The job as it was accepted: its id, and where the UI shows it. */
export function submittedText(api: PogoApi, job: JobRecord, json: boolean): string {
  const url = jobUrl(api, job.id);
  if (json) return JSON.stringify({ job: job.id, url, state: job.state, hosts: job.hostCount }) + '\n';
  return `${job.id}\n${url}\n`;
}

/** `SERVER/jobs/ID`: the job's page in the web UI. */
export function jobUrl(api: PogoApi, id: string): string {
  return `${api.server}/jobs/${encodeURIComponent(id)}`;
}

/** Refuse a job record the server should never send (no id): better a clear error than `undefined` lines. */
export function checkJobRecord(job: JobRecord): JobRecord {
  if (typeof job?.id !== 'string' || job.id === '') {
    throw new PogoError('INTERNAL', 'the server accepted the job but sent no job id');
  }
  return job;
}
