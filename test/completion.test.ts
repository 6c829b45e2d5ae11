// Shell completion: the bash script run by real bash against a real `pogo server` (profile token), and the
// zsh and fish scripts checked by their shells' parsers.
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../src/model/index.ts';
import type { TestServer } from './support/pogo-server.ts';
import { api, startServer } from './support/pogo-server.ts';
import { POGO_BIN, REPO_ROOT, runPogo } from './support/run-pogo.ts';

const run = promisify(execFile);
let dir = '';
let home = '';
let server: TestServer;
let job: JobRecord;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-completion-'));
  home = join(dir, 'home');
  await mkdir(join(dir, 'bin'), { recursive: true });
  await writeFile(join(dir, 'bin', 'pogo'), `#!/bin/sh\nexec ${process.execPath} ${POGO_BIN} "$@"\n`);
  await chmod(join(dir, 'bin', 'pogo'), 0o755);
  // Its first start writes the admin's profile (server URL and token) under HOME: completion uses it.
  server = await startServer(join(dir, 'data'), home, ['--listen', '127.0.0.1:0', '--transport', 'local']);
  await api(server, 'PUT', '/v1/namespaces/web', {
    text: await readFile(join(REPO_ROOT, 'examples/web.yaml'), 'utf8'),
  });
  job = await api<JobRecord>(server, 'POST', '/v1/jobs', {
    namespace: 'web',
    targets: '$cache',
    command: 'true',
  });
}, 60_000);

afterAll(async () => {
  await server?.process.stop();
  await rm(dir, { recursive: true, force: true });
});

/** What bash's completion offers for the words of a line (the last one being typed), through `complete -p`. */
async function bashComplete(words: readonly string[], env: Record<string, string> = {}): Promise<string[]> {
  const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  const script = [
    'source <(pogo completion bash)',
    'fn=$(complete -p pogo | sed -E "s/.*-F ([^ ]+) pogo$/\\1/")', // the function bash would call
    `COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}`,
    'COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}',
    '"$fn" pogo "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const { stdout, stderr } = await run('bash', ['-c', script], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}`,
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      ...env,
    },
  });
  expect(stderr).toBe('');
  return stdout.split('\n').filter((l) => l !== '');
}

describe('bash completion against a running server', () => {
  it('is registered as a function for pogo', async () => {
    const { stdout } = await run('bash', ['-c', 'source <(pogo completion bash); complete -p pogo'], {
      env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}` },
    });
    expect(stdout.trim()).toBe('complete -o filenames -F _pogo_complete pogo');
  });

  it('completes commands and flags from the commander definitions', async () => {
    expect(await bashComplete(['pogo', 'ta'])).toEqual(['targets']);
    expect(await bashComplete(['pogo', 'co'])).toEqual(['config', 'completion']);
    expect(await bashComplete(['pogo', 'run', '--max-'])).toEqual(['--max-parallel', '--max-failures']);
    expect(await bashComplete(['pogo', 'config', 'v'])).toEqual(['validate']);
    expect(await bashComplete(['pogo', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    expect(await bashComplete(['pogo', 'run', '--', 'ech'])).toEqual([]); // the remote command is not Pogo's
  });

  it('completes namespaces, tags of the namespace given with -n, and job ids from the server', async () => {
    expect(await bashComplete(['pogo', 'run', '-n', ''])).toEqual(['web']);
    expect(await bashComplete(['pogo', 'config', 'show', 'w'])).toEqual(['web']);
    expect(await bashComplete(['pogo', 'run', '-n', 'web', '-t', '$co'])).toEqual([
      '$colo',
      '$colo.east',
      '$colo.west',
    ]);
    expect(await bashComplete(['pogo', 'targets', '--namespace=web', '$fr'])).toEqual(['$frontend']);
    expect(await bashComplete(['pogo', 'status', ''])).toEqual(['last', job.id]);
    expect(await bashComplete(['pogo', 'log', job.id.slice(0, 3)])).toEqual([job.id]);
  });

  it('leaves file names to bash where a flag or argument is a file', async () => {
    expect(await bashComplete(['pogo', 'one', '-c', 'examples/ans'])).toEqual(['examples/ansible']);
    expect(await bashComplete(['pogo', 'schedule', 'examples/we'])).toEqual(['examples/web.yaml']);
  });

  it('is silent and quick when the server does not answer or refuses the token', async () => {
    const started = Date.now();
    expect(await bashComplete(['pogo', 'run', '-n', ''], { POGO_SERVER: 'http://127.0.0.1:9' })).toEqual([]);
    expect(await bashComplete(['pogo', 'status', ''], { POGO_TOKEN: 'wrong' })).toEqual(['last']);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});

describe('zsh and fish scripts', () => {
  it.each([
    ['zsh', ['-n']],
    ['fish', ['--no-execute']],
  ])('%s parses its script', async (shell, flags) => {
    const script = await runPogo(['completion', shell]);
    expect(script.code).toBe(0);
    const file = join(dir, `pogo.${shell}`);
    await writeFile(file, script.stdout);
    const { stderr } = await run(shell, [...flags, file]);
    expect(stderr).toBe('');
  });

  it('refuses other shells', async () => {
    const r = await runPogo(['completion', 'tcsh']);
    expect(r.code).toBe(64);
    expect(r.stderr).toBe(
      "pogo: command-argument value 'tcsh' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish.\n" +
        "  hint: see 'pogo completion --help'\n",
    );
  });
});
