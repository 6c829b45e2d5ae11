// End-to-end tests of usage errors: exit 64, `pogo: <message>` and a hint on stderr, no stack without --debug.
import { describe, expect, it } from 'vitest';
import { runPogo } from '../../test/support/run-pogo.ts';

const SIM = ['simulate', 'examples/web.yaml', '--targets', '$colo'];

describe('pogo usage errors', () => {
  it('a bad duration names the flag', async () => {
    const r = await runPogo([...SIM, '--duration', '30x']);
    expect(r).toMatchObject({ code: 64, stdout: '' });
    expect(r.stderr).toBe(
      'pogo: --duration: "30x" is not a duration\n' +
        '  hint: write a number and a unit (ms, s, m, h, d), e.g. 500ms, 30s, 2m, 1h30m, 90d\n',
    );
  });

  it('a duration without a unit suggests one', async () => {
    const r = await runPogo([...SIM, '--job-timeout', '10']);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('pogo: --job-timeout: "10" is not a duration\n  hint: add a unit: 10s');
  });

  it('an unknown flag is a usage error with a suggestion', async () => {
    const r = await runPogo([...SIM, '--jsn']);
    expect(r.code).toBe(64);
    expect(r.stderr).toBe(
      "pogo: unknown option '--jsn'\n  hint: did you mean --json? (see 'pogo simulate --help')\n",
    );
  });

  it('a missing config file is a usage error naming the file', async () => {
    const r = await runPogo(['schedule', 'nope.yaml']);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/^pogo: cannot read config file nope\.yaml: no such file\n {2}hint: /);
    expect(r.stderr).not.toContain('    at ');
  });

  it('--debug adds the stack trace', async () => {
    const r = await runPogo(['schedule', 'nope.yaml', '--debug']);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('pogo: cannot read config file nope.yaml');
    expect(r.stderr).toMatch(/\n {4}at .*parse-config\.ts/);
  });

  it('simulate without --targets, and a missing argument', async () => {
    const a = await runPogo(['simulate', 'examples/web.yaml']);
    expect(a.code).toBe(64);
    expect(a.stderr).toContain("pogo: required option '--targets <list>' not specified");
    const b = await runPogo(['schedule']);
    expect(b.code).toBe(64);
    expect(b.stderr).toContain(
      "pogo: missing required argument 'config'\n  hint: see 'pogo schedule --help'",
    );
  });

  it('--fail with --fail-rate, a rate without %, a zero --max-parallel, a bad seed', async () => {
    const cases: [string[], string][] = [
      [
        ['--fail', 'web01.example.com', '--fail-rate', '5%'],
        'pogo: --fail and --fail-rate cannot be used together',
      ],
      [['--fail-rate', '5'], 'pogo: --fail-rate: "5" is not a percentage like 5%'],
      [['--max-parallel', '0'], 'pogo: --max-parallel: must be at least 1, got 0'],
      [
        ['--max-failures', 'lots'],
        'pogo: --max-failures: "lots" is not a count like 10 or a percentage like 25%',
      ],
      [['--seed', '-1', '--fail-rate', '1%'], 'pogo: --seed: "-1" is not an integer'],
      [
        ['--duration', '1s', '--durations', 'd.yaml'],
        'pogo: --duration and --durations cannot be used together',
      ],
    ];
    for (const [flags, message] of cases) {
      const r = await runPogo([...SIM, ...flags]);
      expect(r.code, flags.join(' ')).toBe(64);
      expect(r.stderr.startsWith(message), r.stderr).toBe(true);
    }
  });

  it('an unknown tag in --targets is a usage error with the known tags', async () => {
    const r = await runPogo(['schedule', 'examples/web.yaml', '--targets', '$frontends']);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/^pogo: .*\$frontends/);
    expect(r.stderr).toContain('  hint: ');
  });

  it('an unknown command, no command, --help and --version', async () => {
    const unknown = await runPogo(['frobnicate']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain("pogo: unknown command 'frobnicate'");
    const none = await runPogo([]);
    expect(none.code).toBe(64);
    expect(none.stderr).toContain('Usage: pogo');
    const help = await runPogo(['simulate', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: pogo simulate [options] <config>');
    const version = await runPogo(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: '0.1.0\n' });
  });
});
