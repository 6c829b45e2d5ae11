// End-to-end tests of `pogo schedule`: the real CLI as a child process on the examples/ configs.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runPogo } from '../../test/support/run-pogo.ts';

const TRIPLE_TABLE = `.-----------------------------------------------------------.
|                         Schedule                          |
+---------------+---------------------+---------------------+
| Thread        | slot-1              | slot-2              |
+---------------+---------------------+---------------------+
| foo           | [foo.$colo.one]     | [foo.$colo.two]     |
|               | host1, host2, host3 | host4, host5, host6 |
| bar           | [bar.$colo.three]   |                     |
|               | host7, host8, host9 |                     |
| unconstrained | [unconstrained]     |                     |
'---------------+---------------------+---------------------'
`;

describe('pogo schedule', () => {
  it('prints the seed table for triple.yaml, hosts in config order', async () => {
    const r = await runPogo(['schedule', 'examples/triple.yaml']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout.startsWith(TRIPLE_TABLE)).toBe(true);
    expect(r.stdout).toContain('| foo           | [foo.$colo.one]     |');
    expect(r.stdout).toContain('|               | host1, host2, host3 |');
    expect(r.stdout).toContain('[bar.$colo.three]');
    expect(r.stdout).toContain('No constraint groups apply to these hosts.');
  });

  it('--json has exactly the documented shape', async () => {
    const r = await runPogo(['schedule', 'examples/triple.yaml', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      threads: [
        {
          id: 'foo',
          slots: [
            { label: 'foo.$colo.one', hosts: ['host1', 'host2', 'host3'] },
            { label: 'foo.$colo.two', hosts: ['host4', 'host5', 'host6'] },
          ],
        },
        { id: 'bar', slots: [{ label: 'bar.$colo.three', hosts: ['host7', 'host8', 'host9'] }] },
      ],
      unconstrained: [],
      groups: [],
    });
  });

  it('one.yaml with targets host1,host2: the host2 slot comes before the host1 slot', async () => {
    const r = await runPogo(['schedule', 'examples/one.yaml', '--targets', 'host1,host2', '--json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as { threads: { slots: { hosts: string[] }[] }[] };
    expect(plan.threads).toHaveLength(1);
    expect(plan.threads[0]?.slots.map((s) => s.hosts)).toEqual([['host2'], ['host1']]);
  });

  it('lists constraint groups with spec, resolved limit and job hosts; --max-parallel adds the job cap', async () => {
    const r = await runPogo([
      'schedule',
      'examples/web.yaml',
      '--targets',
      '$colo.east',
      '--max-parallel',
      '50%',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\| \$frontend +\| +25% \| +2 \| +4 \|/);
    expect(r.stdout).toMatch(/\| \$colo\.east +\| +2 \| +2 \| +5 \|/);
    expect(r.stdout).toMatch(/\| job max_parallel 50% +\| +50% \| +2 \| +5 \|/);
    expect(r.stdout).not.toContain('$colo.west');

    const json = await runPogo(['schedule', 'examples/web.yaml', '--targets', '$colo.east', '--json']);
    const groups = (JSON.parse(json.stdout) as { groups: Record<string, unknown>[] }).groups;
    expect(groups.find((g) => g['id'] === 'cache')).toEqual({
      id: 'cache',
      label: '$cache',
      limit: 1,
      spec: '1',
      hosts: ['cache1.example.com'],
    });
  });

  it('hosts in no sequence are listed under [unconstrained]', async () => {
    const r = await runPogo(['schedule', 'examples/one.yaml', '--targets', 'host1,extra[1-2]']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\| unconstrained \| \[unconstrained\] +\|\n\| +\| extra1, extra2 +\|/);
  });

  it('runs from any directory with absolute paths', async () => {
    const r = await runPogo(['schedule', join(REPO_ROOT, 'examples/one.yaml'), '--json'], { cwd: tmpdir() });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ threads: [{ slots: [{ label: 'host3' }, {}, {}] }] });
  });
});
