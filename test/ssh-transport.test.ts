// The transports against the SSH lab's real OpenSSH sshd: signals, host keys, password auth, rate limit, openssh.
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { createOpenSshTransport, createSshTransport } from '../src/transport/index.ts';
import type { Session, Transport } from '../src/transport/index.ts';
import { withLab } from './support/lab.ts';

const { lab } = withLab(3);

/** stdout of `command` run in `session`. */
async function stdoutOf(session: Session, command: string): Promise<string> {
  let out = '';
  await session.exec(command, {
    onOutput: (c) => void (c.stream === 'stdout' ? (out += c.data.toString()) : undefined),
  });
  return out;
}

/** Live processes of the lab user whose command line matches `pattern` (a pgrep -f regex). */
async function remoteProcesses(transport: Transport, pattern: string): Promise<string> {
  const s = await transport.open({ host: 'lab-0003' });
  try {
    // `[x]` keeps the pattern from matching the shell that runs pgrep.
    return (
      await stdoutOf(s, `pgrep -u ${lab().user} -f '[${pattern[0] ?? ''}]${pattern.slice(1)}' || true`)
    ).trim();
  } finally {
    s.close();
  }
}

async function withTransport<T>(t: Transport, fn: (t: Transport) => Promise<T>): Promise<T> {
  try {
    return await fn(t);
  } finally {
    await t.close();
  }
}

describe('ssh transport on the lab', () => {
  it('this sshd honours `signal` requests and signals the whole process group of the command', async () => {
    // Finding, with ssh2 directly (stdin left open: ssh2 drops signals after EOF): TERM reaches the group.
    const client = new ssh2.Client();
    const key = await readFile(lab().keyFile);
    await new Promise<void>((resolve, reject) =>
      client
        .on('ready', resolve)
        .on('error', reject)
        .connect({
          host: '127.0.0.1',
          port: lab().port,
          username: lab().user,
          privateKey: key,
          hostVerifier: () => true,
        }),
    );
    try {
      const exit = await new Promise<unknown[]>((resolve, reject) => {
        client.exec('sh -c "sleep 3101 & sleep 3102; echo not reached"', (err, ch) => {
          if (err) return reject(err);
          ch.on('exit', (...args: unknown[]) => resolve(args)).resume();
          setTimeout(() => ch.signal('TERM'), 300);
        });
      });
      expect(exit[1]).toBe('SIGTERM');
    } finally {
      client.end();
    }
    const t = createSshTransport({ sshConfig: lab().sshConfig });
    await withTransport(t, async () => expect(await remoteProcesses(t, 'sleep 310[12]')).toBe(''));
  });

  it('after a timeout the remote process is gone, even one that ignores TERM, with its children', async () => {
    await withTransport(createSshTransport({ sshConfig: lab().sshConfig, killGraceMs: 500 }), async (t) => {
      const s = await t.open({ host: 'lab-0001' });
      const r = await s.exec("trap '' TERM HUP; sleep 3201 & sleep 3202 & wait", { timeoutMs: 400 });
      expect(r).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGKILL' });
      s.close();
      expect(await remoteProcesses(t, 'sleep 320[12]')).toBe('');
    });
  });

  it('refuses a host whose known_hosts line was tampered with, naming the file and line', async () => {
    const file = join(tmpdir(), `pogo-kh-${randomBytes(4).toString('hex')}`);
    const lines = (await readFile(lab().knownHosts, 'utf8')).split('\n');
    lines[1] =
      lines[1]?.replace(
        / AAAA\S+/,
        ` ${Buffer.concat([Buffer.from('\0\0\0\x0bssh-ed25519\0\0\0\x20'), randomBytes(32)]).toString('base64')}`,
      ) ?? '';
    await writeFile(file, lines.join('\n'));
    try {
      await withTransport(
        createSshTransport({ sshConfig: lab().sshConfig, knownHostsFiles: [file] }),
        async (t) => {
          const e = await t.open({ host: 'lab-0002' }).catch((x: unknown) => x);
          expect(e).toMatchObject({ code: 'SSH_HOSTKEY_MISMATCH' });
          expect((e as Error).message).toMatch(
            new RegExp(
              `^host key of lab-0002 does not match ${file}:2 \\(the server offers ssh-ed25519 SHA256:`,
            ),
          );
          (await t.open({ host: 'lab-0001' })).close(); // the untouched line still works
        },
      );
    } finally {
      await rm(file, { force: true });
    }
  });

  it('accept-new records unknown hosts under their HostKeyAlias', async () => {
    const file = join(tmpdir(), `pogo-kh-${randomBytes(4).toString('hex')}`);
    try {
      const strict = createSshTransport({ sshConfig: lab().sshConfig, knownHostsFiles: [file] });
      await withTransport(strict, async (t) => {
        await expect(t.open({ host: 'lab-0001' })).rejects.toMatchObject({ code: 'SSH_HOSTKEY_UNKNOWN' });
      });
      const acceptNew = createSshTransport({
        sshConfig: lab().sshConfig,
        knownHostsFiles: [file],
        strictHostKeyChecking: 'accept-new',
      });
      await withTransport(acceptNew, async (t) => {
        const sessions = await Promise.all(lab().hosts.map((host) => t.open({ host })));
        sessions.forEach((s) => s.close());
      });
      const recorded = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
      const expected = (await readFile(lab().knownHosts, 'utf8')).split('\n').filter(Boolean);
      expect(recorded.sort()).toEqual(expected.sort());
    } finally {
      await rm(file, { force: true });
    }
  });

  it('logs in with the password when key authentication is not allowed', async () => {
    const password = (await readFile(lab().passwordFile as string, 'utf8')).trim();
    await withTransport(createSshTransport({ sshConfig: lab().sshConfig, auth: ['password'] }), async (t) => {
      const s = await t.open({ host: 'lab-0001' }, { password });
      expect((await stdoutOf(s, 'id -un')).trim()).toBe(lab().user);
      s.close();
      const e = await t.open({ host: 'lab-0001' }, { password: `${password}x` }).catch((x: unknown) => x);
      expect(e).toMatchObject({
        code: 'SSH_AUTH_FAILED',
        message: `authentication failed for ${lab().user}@lab-0001 (tried password)`,
      });
      await expect(t.open({ host: 'lab-0001' })).rejects.toMatchObject({ code: 'SSH_AUTH_FAILED' });
    });
  });

  it('opens no more than connectRate new connections per second', async () => {
    const starts: number[] = [];
    const t = createSshTransport({
      sshConfig: lab().sshConfig,
      connectRate: 10,
      onConnecting: () => starts.push(performance.now()),
    });
    const before = performance.now();
    await withTransport(t, async () => {
      const sessions = await Promise.all(
        Array.from({ length: 20 }, (_, i) => t.open({ host: lab().hosts[i % 3] as string })),
      );
      sessions.forEach((s) => s.close());
    });
    expect(starts).toHaveLength(20);
    starts.sort((a, b) => a - b);
    // In any one-second window at most 10 connections start (the rate; one more allowed for timer jitter).
    const perWindow = starts.map((t0) => starts.filter((t) => t >= t0 && t < t0 + 1000).length);
    expect(Math.max(...perWindow)).toBeLessThanOrEqual(11);
    // The 20th slot is 19 intervals after the first, which is at `before` or later.
    expect((starts.at(-1) as number) - before).toBeGreaterThanOrEqual(1900 - 1);
  });
});

describe('openssh transport on the lab', () => {
  it('runs commands over a control master and kills a timed-out one', async () => {
    await withTransport(
      createOpenSshTransport({ sshConfig: lab().sshConfig, killGraceMs: 500 }),
      async (t) => {
        const s = await t.open({ host: 'lab-0002' });
        const chunks: string[] = [];
        const r = await s.exec('echo "$POGO_HOST"; exit 3', {
          env: { POGO_HOST: 'lab-0002' },
          onOutput: (c) => chunks.push(c.data.toString()),
        });
        expect(r.exitCode).toBe(3);
        expect(chunks.join('')).toBe('lab-0002\n');
        const timedOut = await s.exec('sleep 3301 & sleep 3302', { timeoutMs: 300 });
        expect(timedOut.timedOut).toBe(true);
        s.close();
      },
    );
    const check = createSshTransport({ sshConfig: lab().sshConfig });
    await withTransport(check, async () => expect(await remoteProcesses(check, 'sleep 330[12]')).toBe(''));
  });

  it('reports a closed port as unreachable', async () => {
    await withTransport(createOpenSshTransport({ sshConfig: lab().sshConfig }), async (t) => {
      const e = await t.open({ host: 'lab-0001', port: 1 }).catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 'SSH_UNREACHABLE' });
      expect((e as Error).message).toMatch(/^connection refused \(lab-0001: .*Connection refused\)$/);
    });
  });

  it('logs in with a password through SSH_ASKPASS and a pipe, and fails cleanly with a wrong one', async () => {
    const password = (await readFile(lab().passwordFile as string, 'utf8')).trim();
    const options = { sshConfig: lab().sshConfig, extraOptions: ['PubkeyAuthentication=no'] };
    await withTransport(createOpenSshTransport(options), async (t) => {
      const s = await t.open({ host: 'lab-0003' }, { password });
      expect((await stdoutOf(s, 'id -un')).trim()).toBe(lab().user);
      s.close();
      await expect(t.open({ host: 'lab-0003' }, { password: 'wrong' })).rejects.toMatchObject({
        code: 'SSH_AUTH_FAILED',
      });
    });
  });
});
