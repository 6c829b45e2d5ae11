// Lines for server events: `pogo one`'s host lines for `pogo run`, the `pogo log` timeline, JSON lines.
import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../model/index.ts';
import { eventJson, liveEventLine, timelineLine } from './event-view.ts';
import { JobTally } from './job-tally.ts';

/** 2024-03-05 14:07:09.250 local time. */
const T = new Date(2024, 2, 5, 14, 7, 9, 250).getTime();
let seq = 0;
const ev = (e: Record<string, unknown>): EventRecord =>
  ({ t: T, jobId: 'j1', seq: ++seq, ...e }) as EventRecord;

describe('liveEventLine', () => {
  it('prints host lines exactly as pogo one does, from the outcome events’ messages', () => {
    const lines = [
      ev({ type: 'host:started', host: 'web1' }),
      ev({ type: 'host:succeeded', host: 'web1', exitCode: 0, message: 'ok' }),
      ev({ type: 'host:failed', host: 'web2', exitCode: 3, message: 'exit 3' }),
      ev({ type: 'host:failed', host: 'web3', exitCode: 4 }),
      ev({
        type: 'host:unreachable',
        host: 'web4',
        message: 'connection refused',
        errorCode: 'SSH_UNREACHABLE',
      }),
      ev({ type: 'host:timed_out', host: 'web5', message: 'timed out after 10s' }),
      ev({ type: 'host:lost', host: 'web6', message: 'worker w1 did not come back' }),
      ev({ type: 'job:halting', reason: 'failure budget exhausted' }),
      ev({ type: 'job:started' }),
      ev({ type: 'job:failed', reason: '1 host failed' }),
    ].map(liveEventLine);
    expect(lines).toEqual([
      'web1: Running target',
      'web1: Success',
      'web2: Failed (exit 3)',
      'web3: Failed (exit 4)',
      'web4: Unreachable (connection refused)',
      'web5: Timed out (timed out after 10s)',
      'web6: Lost (worker w1 did not come back)',
      'pogo: halting: failure budget exhausted (running hosts finish)',
      undefined,
      undefined,
    ]);
  });

  it('shows what operators did', () => {
    expect(liveEventLine(ev({ type: 'host:retried', host: 'web2', by: 'bob' }))).toBe(
      'web2: Retry requested by bob',
    );
    expect(liveEventLine(ev({ type: 'host:skipped', host: 'web3' }))).toBe('web3: Skipped');
    expect(liveEventLine(ev({ type: 'job:halt-requested', by: 'al', kill: true }))).toBe(
      'pogo: halt requested by al (kill running commands)',
    );
    expect(liveEventLine(ev({ type: 'job:resumed', by: 'al' }))).toBe('pogo: resumed by al');
  });
});

describe('timelineLine', () => {
  it('is HH:MM:SS type host reason/message in local time', () => {
    expect(timelineLine(ev({ type: 'job:submitted', by: 'alice' }))).toBe('14:07:09 job:submitted by alice');
    expect(timelineLine(ev({ type: 'host:started', host: 'web1' }))).toBe('14:07:09 host:started web1');
    expect(timelineLine(ev({ type: 'host:succeeded', host: 'web1', exitCode: 0, message: 'ok' }))).toBe(
      '14:07:09 host:succeeded web1',
    );
    expect(timelineLine(ev({ type: 'host:failed', host: 'web2', exitCode: 3, message: 'exit 3' }))).toBe(
      '14:07:09 host:failed web2 exit 3',
    );
    expect(timelineLine(ev({ type: 'job:halted', reason: 'halted by al' }))).toBe(
      '14:07:09 job:halted halted by al',
    );
    expect(timelineLine(ev({ type: 'job:halt-requested', by: 'al', kill: true }))).toBe(
      '14:07:09 job:halt-requested by al (kill)',
    );
  });
});

describe('eventJson', () => {
  it('is pogo one’s JSON shape: t since the origin, at, type, payload, exit/code, plus seq', () => {
    const e = ev({ type: 'host:failed', host: 'web2', exitCode: 3, message: 'exit 3', errorCode: 'X' });
    expect(JSON.parse(eventJson(e, T - 1500))).toEqual({
      t: 1.5,
      at: new Date(T).toISOString(),
      type: 'host:failed',
      seq: e.seq,
      host: 'web2',
      exit: 3,
      message: 'exit 3',
      code: 'X',
    });
  });
});

describe('JobTally', () => {
  it('counts hosts by state from events; hosts not seen yet are waiting', () => {
    const tally = new JobTally(5);
    for (const e of [
      ev({ type: 'host:started', host: 'a' }),
      ev({ type: 'host:started', host: 'b' }),
      ev({ type: 'host:succeeded', host: 'a' }),
      ev({ type: 'host:failed', host: 'b' }),
      ev({ type: 'host:retried', host: 'b' }),
      ev({ type: 'host:skipped', host: 'c' }),
      ev({ type: 'host:started', host: 'd' }),
      ev({ type: 'job:halting', reason: 'x' }),
    ]) {
      tally.apply(e);
    }
    expect(tally.counts()).toMatchObject({ waiting: 2, running: 1, succeeded: 1, failed: 0, skipped: 1 });
  });
});
