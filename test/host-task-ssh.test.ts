// runHostTask against the SSH lab's real sshd: hooks, failures, timeouts, sudo, output caps, --file, retries.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenSshTransport, createSshTransport, shellQuote } from '../src/transport/index.ts';
import type { Transport } from '../src/transport/index.ts';
import { renderOutputText, runHostTask } from '../src/worker/index.ts';
import type { HostTask } from '../src/worker/index.ts';
import { withLab } from './support/lab.ts';

const { lab } = withLab(3);
let ssh: Transport;
/** A directory of the lab user's (made over SSH), for hooks, markers and counters. */
let work: string;

/** Run `command` as the lab user; its stdout. */
async function remote(command: string): Promise<string> {
  const s = await ssh.open({ host: 'lab-0003' });
  try {
    let out = '';
    const r = await s.exec(command, {
      onOutput: (c) => void (c.stream === 'stdout' ? (out += c.data.toString()) : undefined),
    });
    if (r.exitCode !== 0) throw new Error(`${command}: exit ${r.exitCode}`);
    return out;
  } finally {
    s.close();
  }
}

/** A hook directory in `work` with executable scripts. */
async function hookDir(name: string, scripts: Record<string, string>): Promise<string> {
  const dir = `${work}/${name}`;
  const writes = Object.entries(scripts).map(
    ([file, body]) =>
      `printf '%s\\n' '#!/bin/sh' ${shellQuote(body)} > ${dir}/${file} && chmod 755 ${dir}/${file}`,
  );
  await remote([`mkdir -p ${dir}`, ...writes].join(' && '));
  return dir;
}

beforeAll(async () => {
  ssh = createSshTransport({ sshConfig: lab().sshConfig, killGraceMs: 500 });
  work = `/tmp/pogo-it-${randomBytes(4).toString('hex')}`;
  await remote(`mkdir -m 700 ${work}`);
});
afterAll(async () => {
  await remote(`rm -rf ${work}`).catch(() => undefined);
  await ssh.close();
});

function task(overrides: Partial<HostTask> = {}): HostTask {
  return {
    jobId: 'it-job',
    namespace: 'it-ns',
    host: 'lab-0001',
    command: 'true',
    hooks: {
      pre: true,
      post: true,
      preDir: `${work}/no-pre`,
      postDir: `${work}/no-post`,
      inlinePre: [],
      inlinePost: [],
    },
    timeoutMs: 30_000,
    retries: 0,
    retryDelayMs: 0,
    outputCapBytes: 1 << 20,
    ...overrides,
  };
}

const run = (t: HostTask, options = {}) => runHostTask(ssh, { host: t.host }, t, options);

describe('runHostTask over ssh on the lab', () => {
  it('succeeds, with POGO_HOST, POGO_JOB_ID and POGO_NAMESPACE visible to hooks and command', async () => {
    const pre = await hookDir('env-pre', { '10-env': 'echo "pre $POGO_HOST $POGO_JOB_ID $POGO_NAMESPACE"' });
    const post = await hookDir('env-post', { '10-env': 'echo "post $POGO_HOST"' });
    const r = await run(
      task({
        command: 'echo "cmd $POGO_HOST $POGO_JOB_ID $POGO_NAMESPACE"',
        hooks: { ...task().hooks, preDir: pre, postDir: post },
      }),
    );
    expect(r).toMatchObject({ outcome: 'succeeded', exitCode: 0, attempts: 1 });
    expect(renderOutputText(r.output)).toBe(
      'pre lab-0001 it-job it-ns\ncmd lab-0001 it-job it-ns\npost lab-0001\n',
    );
    expect([...new Set(r.output.map((c) => c.source))]).toEqual(['pre:10-env', 'command', 'post:10-env']);
  });

  it('keeps the exit code of a failing command', async () => {
    expect(await run(task({ command: 'echo out; exit 42' }))).toMatchObject({
      outcome: 'failed',
      exitCode: 42,
      message: 'exit 42',
    });
  });

  it('does not run the command after a failing pre-hook', async () => {
    const marker = `${work}/command-ran`;
    const pre = await hookDir('fail-pre', { '10-ok': 'true', '20-drain': 'echo cannot drain >&2; exit 4' });
    const r = await run(task({ command: `touch ${marker}`, hooks: { ...task().hooks, preDir: pre } }));
    expect(r).toMatchObject({ outcome: 'failed', attempts: 0, message: 'pre-hook 20-drain failed (exit 4)' });
    expect(await remote(`test -e ${marker} && echo exists || echo absent`)).toBe('absent\n');
  });

  it('fails the host when a post-hook fails', async () => {
    const post = await hookDir('fail-post', { '10-undrain': 'exit 9' });
    const r = await run(task({ hooks: { ...task().hooks, postDir: post } }));
    expect(r).toMatchObject({ outcome: 'failed', attempts: 1 });
    expect(r.message).toMatch(/^post-hook 10-undrain failed/);
  });

  it('times out and leaves no remote process behind', async () => {
    const r = await run(task({ command: 'sleep 3401 & sleep 3402', timeoutMs: 1000 }));
    expect(r).toMatchObject({ outcome: 'timed_out', message: 'timed out after 1 s' });
    expect(await remote(`pgrep -u ${lab().user} -f '[s]leep 340[12]' || true`)).toBe('');
  });

  it('reports an unreachable host (closed port) apart from a failed one', async () => {
    const r = await runHostTask(ssh, { host: 'lab-0001', port: 1 }, task());
    expect(r).toMatchObject({ outcome: 'unreachable', errorCode: 'SSH_UNREACHABLE', attempts: 0 });
    expect(r.message).toBe('unreachable: connection refused (127.0.0.1:1)');
  });

  it('answers the sudo prompt for --run-as root', async () => {
    const password = (await readFile(lab().passwordFile as string, 'utf8')).trim();
    const r = await run(task({ runAs: 'root', command: 'id -u; echo "$POGO_HOST"' }), { password });
    expect(r).toMatchObject({ outcome: 'succeeded' });
    expect(renderOutputText(r.output)).toMatch(/^\[sudo\] password for pogolab: \n0\nlab-0001\n$/);
    const bad = await run(task({ runAs: 'root', command: 'id -u', retries: 2 }), { password: 'wrong' });
    expect(bad).toMatchObject({ outcome: 'failed', errorCode: 'TASK_SUDO_PASSWORD_REJECTED', attempts: 1 });
  });

  it('kills a timed-out --run-as root command that ignores TERM and HUP (as root, through sudo)', async () => {
    const password = (await readFile(lab().passwordFile as string, 'utf8')).trim();
    const command = "trap '' TERM HUP; sleep 3501 & sleep 3502 & wait";
    const r = await run(task({ runAs: 'root', command, timeoutMs: 1500 }), { password });
    expect(r).toMatchObject({ outcome: 'timed_out' });
    expect(await remote("pgrep -f '[s]leep 350[12]' || true")).toBe('');
  });

  it('caps 10 MiB of output at 1 MiB with the marker, the command running to its end', async () => {
    const marker = `${work}/big-done`;
    const r = await run(task({ command: `head -c 10485760 /dev/zero | tr '\\0' x; touch ${marker}` }));
    expect(r).toMatchObject({ outcome: 'succeeded', truncated: true });
    expect(r.output.filter((c) => c.source === 'command').reduce((n, c) => n + c.data.length, 0)).toBe(
      1 << 20,
    );
    expect(renderOutputText(r.output).endsWith('x\n[pogo: output truncated after 1048576 bytes]\n')).toBe(
      true,
    );
    expect(await remote(`test -e ${marker} && echo done`)).toBe('done\n');
  });

  it('keeps binary output byte for byte up to the cap', async () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const printf = `printf '${[...all].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('')}'`;
    const r = await run(task({ command: `${printf}; ${printf}`, outputCapBytes: 300 }));
    const kept = Buffer.concat(r.output.filter((c) => c.source === 'command').map((c) => c.data));
    expect(kept.equals(Buffer.concat([all, all]).subarray(0, 300))).toBe(true);
    expect(r.truncated).toBe(true);
  });

  it('uploads a --file script, runs it with arguments, and removes it', async () => {
    const content = Buffer.from('#!/bin/sh\necho "$0 got [$1] [$2] on $POGO_HOST"\n');
    const r = await run(
      task({ jobId: 'file-job', command: '', file: { name: 'x.sh', content, args: ['a b', 'c'] } }),
    );
    expect(r).toMatchObject({ outcome: 'succeeded' });
    const path = /^(\/tmp\/pogo-file-job-[0-9a-f]{12}) got \[a b\] \[c\] on lab-0001\n$/.exec(
      renderOutputText(r.output),
    )?.[1];
    expect(path).toBeDefined();
    expect(await remote(`test -e ${path ?? '/'} && echo left || echo removed`)).toBe('removed\n');
    const timedOut = await run(
      task({
        jobId: 'file-job',
        command: '',
        timeoutMs: 800,
        file: { name: 's', content: Buffer.from('#!/bin/sh\nsleep 30\n'), args: [] },
      }),
    );
    expect(timedOut.outcome).toBe('timed_out');
    expect(await remote('ls /tmp | grep -c "^pogo-file-job-" || true')).toBe('0\n');
  });

  it('retries a failing command: fails twice, then succeeds on the third attempt', async () => {
    const counter = `${work}/counter`;
    const command = `n=$(cat ${counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${counter}; [ $n -ge 3 ]`;
    const r = await run(task({ command, retries: 2, retryDelayMs: 50 }));
    expect(r).toMatchObject({ outcome: 'succeeded', attempts: 3 });
    expect(r.output.filter((c) => c.source === 'pogo')).toHaveLength(2);
  });

  it('runs on the openssh transport too (success, and unreachable)', async () => {
    const openssh = createOpenSshTransport({ sshConfig: lab().sshConfig });
    try {
      const ok = await runHostTask(
        openssh,
        { host: 'lab-0002' },
        task({ host: 'lab-0002', command: 'echo "$POGO_HOST"' }),
      );
      expect(ok).toMatchObject({ outcome: 'succeeded' });
      expect(renderOutputText(ok.output)).toBe('lab-0002\n');
      const down = await runHostTask(openssh, { host: 'lab-0002', port: 1 }, task());
      expect(down).toMatchObject({ outcome: 'unreachable', errorCode: 'SSH_UNREACHABLE' });
    } finally {
      await openssh.close();
    }
  });
});
