// `pogo status` and `pogo jobs` text: metadata lines, host table, jobs table.
import { describe, expect, it } from 'vitest';
import { CREATED_AT, counts, hostRecord, jobRecord, jobView } from '../../../test/support/job-records.ts';
import { commandText, renderHostTable, renderJobStatus, renderJobsTable } from './job-view-text.ts';

describe('renderJobStatus', () => {
  it('shows metadata, state and reason, counts and blocking groups', () => {
    const view = jobView({
      state: 'halted',
      reason: 'failure budget exhausted',
      draining: true,
      namespace: 'web',
      configVersion: 4,
      endedAt: CREATED_AT + 91_000,
      counts: counts({ succeeded: 1, failed: 1, waiting: 1 }),
      blocking: ['$frontend (5/5)'],
    });
    expect(renderJobStatus(view)).toBe(
      [
        'job        a1b2c3d4e5f60718',
        'state      halted (failure budget exhausted), draining: running hosts finish',
        'namespace  web (config v4)',
        'user       alice',
        'command    uptime',
        'targets    web[1-3]',
        'created    2024-03-05 14:00:00',
        'started    2024-03-05 14:00:01',
        'ended      2024-03-05 14:01:31 (ran 1m30s)',
        'hosts      3: 1 waiting, 1 succeeded, 1 failed',
        'blocking   $frontend (5/5)',
        '',
      ].join('\n'),
    );
  });

  it('names the job a rollback undoes and shows a --file job by its script', () => {
    const base = jobRecord();
    const job = jobRecord({
      rollbackOf: 'ffff0000',
      command: '',
      options: {
        ...base.options,
        task: {
          ...base.options.task,
          command: '',
          file: { name: 'fix.sh', contentBase64: '', args: ['-n', '2'] },
        },
      },
    });
    expect(commandText(job)).toBe('--file fix.sh -n 2');
    expect(renderJobStatus(jobView({ ...job, startedAt: null }))).toContain('rollback of  ffff0000\n');
  });
});

describe('tables', () => {
  it('lists hosts with state, attempt, exit and message', () => {
    const text = renderHostTable(
      [
        hostRecord({ host: 'web2', state: 'failed', attempt: 2, exitCode: 3, message: 'exit 3' }),
        hostRecord({ host: 'web3', state: 'timed_out', attempt: 1, signal: 'KILL', message: 'timed out' }),
      ],
      'hosts not succeeded (2)',
    );
    expect(text).toBe(
      [
        '.-----------------------------------------------.',
        '|            hosts not succeeded (2)            |',
        '+------+-----------+---------+------+-----------+',
        '| host | state     | attempt | exit | message   |',
        '+------+-----------+---------+------+-----------+',
        '| web2 | failed    |       2 |    3 | exit 3    |',
        '| web3 | timed_out |       1 | KILL | timed out |',
        "'------+-----------+---------+------+-----------'",
        '',
      ].join('\n'),
    );
  });

  it('lists jobs with a short id, succeeded/failed/total and a shortened command', () => {
    const jobs = [
      jobRecord({ state: 'failed', counts: counts({ succeeded: 2, unreachable: 1 }) }),
      jobRecord({
        id: 'ffee',
        user: 'bob',
        command: 'x'.repeat(60),
        counts: counts({ running: 1, waiting: 2 }),
      }),
    ];
    const lines = renderJobsTable(jobs).split('\n');
    expect(lines[1]).toBe(
      '| id       | user  | state   | succ/failed/total | namespace | created          | command' +
        ' '.repeat(44) +
        '|',
    );
    expect(lines[3]).toContain(
      '| a1b2c3d4 | alice | failed  |             2/1/3 | default   | 2024-03-05 14:00 | uptime ',
    );
    expect(lines[4]).toContain(`| ffee     | bob   | running |             0/0/3 |`);
    expect(lines[4]).toContain(`${'x'.repeat(49)}… |`);
  });
});
