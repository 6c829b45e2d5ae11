// runHostTask over the local transport (real processes) and, for sudo prompts, a scripted session.
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalTransport, createSshTransport } from '../transport/index.ts';
import type { ExecOptions, ExecResult, Session, Transport } from '../transport/index.ts';
import { renderOutputText } from './render-output.ts';
import { runHostTask } from './run-host-task.ts';
import type { HostTask } from './types.ts';

let dir: string;
const transport = createLocalTransport({ killGraceMs: 300 });
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-task-'));
});
afterAll(async () => {
  await transport.close();
  await rm(dir, { recursive: true, force: true });
});

function task(overrides: Partial<HostTask> = {}): HostTask {
  return {
    jobId: 'job-1',
    namespace: 'ns',
    host: 'web1',
    command: 'true',
    hooks: {
      pre: true,
      post: true,
      preDir: join(dir, 'none'),
      postDir: join(dir, 'none'),
      inlinePre: [],
      inlinePost: [],
    },
    timeoutMs: 20_000,
    retries: 0,
    retryDelayMs: 0,
    outputCapBytes: 1 << 20,
    ...overrides,
  };
}

/** A hook directory with executable scripts `name → body` (and anything else given as `{ body, mode }`). */
async function hookDir(
  name: string,
  files: Record<string, string | { body: string; mode: number }>,
): Promise<string> {
  const d = join(dir, name);
  await mkdir(d, { recursive: true });
  for (const [file, spec] of Object.entries(files)) {
    const { body, mode } = typeof spec === 'string' ? { body: spec, mode: 0o755 } : spec;
    await writeFile(join(d, file), `#!/bin/sh\n${body}\n`);
    await chmod(join(d, file), mode);
  }
  return d;
}

const run = (t: HostTask, options = {}) => runHostTask(transport, { host: t.host }, t, options);
const sources = (r: { output: readonly { source: string }[] }) => [...new Set(r.output.map((c) => c.source))];

function liveProcesses(tag: string): number {
  const cmd = `ps -eo stat=,args= | grep -v grep | grep -v '^Z' | grep -c -- '${tag}' || true`;
  return Number(execFileSync('/bin/sh', ['-c', cmd], { encoding: 'utf8' }).trim());
}

describe('runHostTask', () => {
  it('runs pre-hooks in run-parts order, the command, then post-hooks, with POGO_* in the environment', async () => {
    const pre = await hookDir('pre-ok', {
      '20-second': 'echo "second $POGO_HOST"',
      '10-first': 'echo "first $POGO_JOB_ID $POGO_NAMESPACE"',
      'skip.sh': 'echo dotted names are skipped',
      '30-not-executable': { body: 'echo no', mode: 0o644 },
    });
    const post = await hookDir('post-ok', { '50-post': 'echo post' });
    const r = await run(
      task({
        command: 'echo "cmd $POGO_HOST"',
        hooks: {
          pre: true,
          post: true,
          preDir: pre,
          postDir: post,
          inlinePre: ['echo inline'],
          inlinePost: [],
        },
      }),
    );
    expect(r).toMatchObject({
      outcome: 'succeeded',
      exitCode: 0,
      attempts: 1,
      message: 'ok',
      truncated: false,
    });
    expect(sources(r)).toEqual(['pre:10-first', 'pre:20-second', 'pre:inline-1', 'command', 'post:50-post']);
    expect(renderOutputText(r.output)).toBe('first job-1 ns\nsecond web1\ninline\ncmd web1\npost\n');
  });

  it('does not run the command when a pre-hook fails', async () => {
    const marker = join(dir, 'ran-marker');
    const pre = await hookDir('pre-fail', {
      '10-ok': 'true',
      '20-drain': 'echo draining failed; exit 3',
      '30-later': 'echo later',
    });
    const r = await run(task({ command: `touch ${marker}`, hooks: { ...task().hooks, preDir: pre } }));
    expect(r).toMatchObject({
      outcome: 'failed',
      message: 'pre-hook 20-drain failed (exit 3)',
      attempts: 0,
      exitCode: 3,
    });
    expect(existsSync(marker)).toBe(false);
    expect(sources(r)).toEqual(['pre:20-drain']);
  });

  it('fails the host when a post-hook fails, and runs no post-hook after a failed command', async () => {
    const post = await hookDir('post-fail', { '10-undrain': 'exit 1' });
    const hooks = { ...task().hooks, postDir: post };
    expect(await run(task({ hooks }))).toMatchObject({
      outcome: 'failed',
      message: 'post-hook 10-undrain failed (exit 1)',
      attempts: 1,
    });
    const failed = await run(task({ command: 'exit 7', hooks }));
    expect(failed).toMatchObject({ outcome: 'failed', message: 'exit 7', exitCode: 7 });
  });

  it('re-runs a failing command up to `retries` times, noting each retry', async () => {
    const counter = join(dir, 'counter');
    const command = `n=$(cat ${counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${counter}; echo try $n; [ $n -ge 3 ]`;
    const r = await run(task({ command, retries: 2, retryDelayMs: 10 }));
    expect(r).toMatchObject({ outcome: 'succeeded', attempts: 3 });
    expect(renderOutputText(r.output)).toBe(
      'try 1\n[pogo: attempt 1 of 3 failed (exit 1); retrying in 10 ms]\ntry 2\n[pogo: attempt 2 of 3 failed (exit 1); retrying in 10 ms]\ntry 3\n',
    );
    await rm(counter);
    expect(await run(task({ command, retries: 1, retryDelayMs: 0 }))).toMatchObject({
      outcome: 'failed',
      attempts: 2,
      message: 'exit 1',
    });
  });

  it('times out (hooks included) and leaves no process behind', async () => {
    const tag = `sleep 6${Math.floor(Math.random() * 1000)}`;
    const r = await run(task({ command: `${tag} & ${tag}`, timeoutMs: 300 }));
    expect(r).toMatchObject({ outcome: 'timed_out', message: 'timed out after 300 ms', attempts: 1 });
    expect(liveProcesses(tag)).toBe(0);
    const pre = await hookDir('pre-slow', { '10-slow': 'sleep 30' });
    const inHook = await run(task({ timeoutMs: 300, hooks: { ...task().hooks, preDir: pre } }));
    expect(inHook).toMatchObject({
      outcome: 'timed_out',
      message: 'timed out after 300 ms (in pre-hook 10-slow)',
      attempts: 0,
    });
  });

  it('stops when the operator kills it', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort('halted'), 150);
    const r = await run(task({ command: 'sleep 30', retries: 3 }), { signal: abort.signal });
    expect(r).toMatchObject({ outcome: 'failed', message: 'killed by operator', attempts: 1 });
  });

  it('uploads a --file script, runs it with its arguments, and removes it even when it fails', async () => {
    const before = new Set(await readdir('/tmp'));
    const file = {
      name: 'deploy.sh',
      content: Buffer.from('#!/bin/sh\necho "args: $*"; echo "me: $0"; exit 5\n'),
      args: ['a b', "c'd"],
    };
    const r = await run(task({ command: '', file, jobId: 'job/../x' }));
    expect(r).toMatchObject({ outcome: 'failed', message: 'exit 5' });
    const text = renderOutputText(r.output);
    expect(text).toMatch(/^args: a b c'd\nme: \/tmp\/pogo-job_.._x-[0-9a-f]{12}\n$/);
    const left = (await readdir('/tmp')).filter((f) => f.startsWith('pogo-job_') && !before.has(f));
    expect(left).toEqual([]);
  });

  it('caps output at outputCapBytes with a marker, keeps binary bytes exact, and lets the command finish', async () => {
    const r = await run(
      task({ command: 'head -c 10485760 /dev/zero | tr "\\0" "x"; echo done >&2', outputCapBytes: 1 << 20 }),
    );
    expect(r).toMatchObject({ outcome: 'succeeded', truncated: true });
    const kept = r.output.filter((c) => c.source === 'command');
    expect(kept.reduce((n, c) => n + c.data.length, 0)).toBe(1 << 20);
    expect(r.output.at(-1)?.data.toString()).toBe('[pogo: output truncated after 1048576 bytes]\n');

    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await writeFile(join(dir, 'bin'), Buffer.concat([bytes, bytes]));
    const bin = await run(task({ command: `cat ${join(dir, 'bin')}`, outputCapBytes: 300 }));
    const data = Buffer.concat(bin.output.filter((c) => c.source === 'command').map((c) => c.data));
    expect(data.equals(Buffer.concat([bytes, bytes]).subarray(0, 300))).toBe(true);
  });

  it('reports a host it cannot reach as unreachable with the error code', async () => {
    const ssh = createSshTransport({ sshConfig: false, connectTimeoutMs: 500 });
    try {
      const r = await runHostTask(ssh, { host: 'x', hostname: '127.0.0.1', port: 1 }, task());
      expect(r).toMatchObject({
        outcome: 'unreachable',
        attempts: 0,
        errorCode: 'SSH_UNREACHABLE',
        message: 'unreachable: connection refused (127.0.0.1:1)',
      });
    } finally {
      await ssh.close();
    }
  });
});

/** A session that plays sudo: prompts on its pty and accepts only `good`. */
function sudoSession(log: string[]): Transport {
  const session: Session = {
    exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
      log.push(command);
      return new Promise((resolve) => {
        const done = (r: Partial<ExecResult>) =>
          resolve({ exitCode: null, signal: null, timedOut: false, aborted: false, durationMs: 1, ...r });
        if (!command.startsWith('sudo ')) return done({ exitCode: 0 });
        options.signal?.addEventListener('abort', () => done({ aborted: true }), { once: true });
        const say = (text: string) => options.onPrompt?.(text, reply);
        const reply = (s: string): void => {
          if (s === 'good\n') done({ exitCode: 0 });
          else setTimeout(() => say('\r\nSorry, try again.\r\n[sudo] password for op: '), 5);
        };
        say('[sudo] password for op: ');
      });
    },
    upload: () => Promise.resolve(),
    close: () => undefined,
  };
  return { name: 'local', open: () => Promise.resolve(session), close: () => Promise.resolve() };
}

describe('runHostTask with runAs', () => {
  it('answers sudo once with the password', async () => {
    const log: string[] = [];
    const r = await runHostTask(sudoSession(log), { host: 'h' }, task({ runAs: 'root', command: 'id -u' }), {
      password: 'good',
    });
    expect(r).toMatchObject({ outcome: 'succeeded' });
    expect(log.find((c) => c.includes('id -u'))).toMatch(
      /^sudo -p '\[sudo\] password for %p: ' -u root -- sh -c /,
    );
  });

  it('stops at a rejected password without retrying, and when none was given', async () => {
    const rejected = await runHostTask(sudoSession([]), { host: 'h' }, task({ runAs: 'root', retries: 3 }), {
      password: 'bad',
    });
    expect(rejected).toMatchObject({
      outcome: 'failed',
      errorCode: 'TASK_SUDO_PASSWORD_REJECTED',
      message: 'sudo rejected the password',
      attempts: 1,
    });
    const missing = await runHostTask(sudoSession([]), { host: 'h' }, task({ runAs: 'root' }));
    expect(missing).toMatchObject({ outcome: 'failed', errorCode: 'TASK_SUDO_PASSWORD_REQUIRED' });
  });
});
