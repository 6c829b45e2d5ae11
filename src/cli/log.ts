// `pogo log JOB [HOST]`: a job's event timeline, or one host's output; `-f` follows either until it ends.
import { setTimeout as sleep } from 'node:timers/promises';
import { TextDecoder } from 'node:util';
import type { Command } from 'commander';
import type { EventRecord, HostState, JobView } from '../model/index.ts';
import { isTerminalJobState } from '../model/index.ts';
import { addConnectionOptions, connect } from './client/connect.ts';
import { eventJson, timelineLine } from './client/event-view.ts';
import { reconnectNotice } from './client/follow-job.ts';
import type { PogoApi } from './client/pogo-api.ts';
import type { ConnectionFlags } from './client/profile.ts';
import type { CommandContext } from './context.ts';
import { EXIT_CODES } from './exit-codes.ts';
import { parseCount, usageError } from './flags.ts';

/** Flags of `pogo log`. */
export interface LogFlags extends ConnectionFlags {
  readonly follow?: boolean;
  readonly attempt?: string;
  readonly json?: boolean;
}

const EVENT_PAGE = 1000;
const POLL_MS = 1000;
const ACTIVE: ReadonlySet<HostState> = new Set(['waiting', 'ready', 'running']);

/** Add `log` to the program. */
export function registerLog(program: Command, ctx: CommandContext): Command {
  const log = program
    .command('log')
    .summary("print a job's event timeline, or a host's output")
    .description(
      "Without HOST: the job's events, one a line (HH:MM:SS type host reason/message).\n" +
        "With HOST: that host's output as it ran (the current attempt unless --attempt).\n" +
        '-f follows: the timeline until the job ends, the output until the host finishes.',
    )
    .argument('<job>', 'job id, unique id prefix, or last')
    .argument('[host]', 'a host of the job: print its output')
    .option('-f, --follow', 'keep printing as the job (or the host) goes on')
    .option('--attempt <n>', 'with HOST: the output of this attempt (1 is the first run)');
  return addConnectionOptions(log)
    .option('--json', 'timeline: one JSON object per event')
    .action(async (ref: string, host: string | undefined, flags: LogFlags) => {
      ctx.exitCode = await runLog(ref, host, flags, ctx);
    });
}

/** Print the timeline or the output; returns the exit code (0). */
export async function runLog(
  ref: string,
  host: string | undefined,
  flags: LogFlags,
  ctx: CommandContext,
): Promise<number> {
  const attempt = flags.attempt === undefined ? undefined : parseCount('--attempt', flags.attempt);
  if (attempt !== undefined && host === undefined) throw usageError('--attempt needs a HOST');
  if (attempt === 0) throw usageError('--attempt: attempts count from 1');
  const api = await connect(flags);
  // Resolve `last` or a prefix once: a new job must not take over half-way through.
  const view = await api.getJob(ref);
  if (host === undefined) await printTimeline(api, view, flags, ctx);
  else await printOutput(api, view, host, attempt, flags.follow === true, ctx);
  return EXIT_CODES.ok;
}

async function printTimeline(
  api: PogoApi,
  view: JobView,
  flags: LogFlags,
  ctx: CommandContext,
): Promise<void> {
  const print = (e: EventRecord): void =>
    ctx.io.out((flags.json ? eventJson(e, view.createdAt) : timelineLine(e)) + '\n');
  let after = 0;
  for (;;) {
    const events = await api.listEvents(view.id, after, EVENT_PAGE);
    for (const e of events) print(e);
    after = events.at(-1)?.seq ?? after;
    if (events.length < EVENT_PAGE) break;
  }
  if (!flags.follow) return;
  const onReconnect = reconnectNotice(ctx);
  for await (const e of api.followEvents(view.id, { after, onReconnect })) print(e);
}

async function printOutput(
  api: PogoApi,
  view: JobView,
  host: string,
  attempt: number | undefined,
  follow: boolean,
  ctx: CommandContext,
): Promise<void> {
  const decoder = new TextDecoder();
  let pinned = attempt;
  let offset = 0;
  let truncated = false;
  let lastRead = false;
  for (;;) {
    const page = await api.readOutput(view.id, host, { attempt: pinned, offset });
    if (pinned === undefined && page.attempt > 0) pinned = page.attempt;
    if (page.data.length > 0) ctx.io.out(decoder.decode(page.data, { stream: true }));
    truncated ||= page.truncated;
    const more = page.nextOffset < page.total && page.nextOffset > offset;
    offset = Math.max(offset, page.nextOffset);
    if (more) continue;
    if (!follow || lastRead) break;
    const record = await api.getHost(view.id, host);
    if (attempt === undefined && pinned !== undefined && record.attempt > pinned) {
      // Retried while we watched: go on with the new attempt.
      flush(decoder, ctx);
      pinned = record.attempt;
      offset = 0;
      ctx.io.err(`pogo: ${host}: attempt ${pinned}\n`);
      continue;
    }
    const settled =
      !ACTIVE.has(record.state) ||
      (record.state !== 'running' && isTerminalJobState((await api.getJob(view.id)).state));
    // Read once more after the host settled: output written just before its last state change.
    if (settled) lastRead = true;
    else await sleep(POLL_MS);
  }
  flush(decoder, ctx);
  if (truncated) ctx.io.err(`pogo: the output of ${host} was cut at the job's output cap\n`);
}

function flush(decoder: TextDecoder, ctx: CommandContext): void {
  const rest = decoder.decode();
  if (rest) ctx.io.out(rest);
}
