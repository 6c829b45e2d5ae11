// The ssh transport against ssh2's in-process server: auth, host keys, failures, rate, jump hosts, kill.
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshTestServer } from '../../test/support/ssh2-server.ts';
import type { SshTestServer } from '../../test/support/ssh2-server.ts';
import { parseSshConfig } from './ssh-config.ts';
import { createSshTransport } from './ssh-transport.ts';
import type { SshTransportOptions } from './ssh-transport.ts';
import type { OutputChunk, Target } from './types.ts';

let server: SshTestServer;
let knownHosts: string;
const PASSWORD = 'correct horse';

beforeAll(async () => {
  server = await startSshTestServer({ password: PASSWORD });
  knownHosts = join(server.dir, 'known_hosts');
  await writeFile(knownHosts, server.knownHostsLine(`[127.0.0.1]:${server.port}`));
});
afterAll(() => server.stop());

/** A transport for the test server: no ssh_config, no agent, its key, its known_hosts. */
function transport(options: SshTransportOptions = {}) {
  return createSshTransport({
    sshConfig: false,
    agentSocket: false,
    user: server.user,
    identityFiles: [server.clientKeyFile],
    knownHostsFiles: [knownHosts],
    killGraceMs: 300,
    ...options,
  });
}
const target = (extra: Partial<Target> = {}): Target => ({
  host: 'test',
  hostname: '127.0.0.1',
  port: server.port,
  ...extra,
});

describe('ssh transport (in-process server)', () => {
  it('connects with a key, runs commands with the env set by prefix, keeps stdout and stderr apart', async () => {
    const t = transport();
    try {
      const s = await t.open(target());
      const chunks: OutputChunk[] = [];
      const r = await s.exec('echo "$POGO_HOST/$POGO_JOB_ID"; echo e >&2; exit 4', {
        env: { POGO_HOST: "it's", POGO_JOB_ID: 'j 1' },
        onOutput: (c) => chunks.push(c),
      });
      expect(r).toMatchObject({ exitCode: 4, signal: null, timedOut: false });
      const of = (stream: string) =>
        Buffer.concat(chunks.filter((c) => c.stream === stream).map((c) => c.data)).toString();
      expect(of('stdout')).toBe("it's/j 1\n");
      expect(of('stderr')).toBe('e\n');
      expect((await s.exec('cat', { stdin: 'piped' })).exitCode).toBe(0);
      s.close();
    } finally {
      await t.close();
    }
  });

  it('logs in with a password when keys are not allowed, and fails clearly with a wrong one', async () => {
    const t = transport({ auth: ['password'] });
    try {
      const s = await t.open(target(), { password: PASSWORD });
      expect((await s.exec('true')).exitCode).toBe(0);
      s.close();
      const e = await t.open(target(), { password: 'wrong' }).catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 'SSH_AUTH_FAILED' });
      expect((e as Error).message).toBe('authentication failed for tester@test (tried password)');
      expect((e as Error).message).not.toContain('wrong');
    } finally {
      await t.close();
    }
  });

  it('refuses an unknown host, records it with accept-new, refuses a changed key', async () => {
    const file = join(server.dir, 'kh-accept');
    await writeFile(file, '');
    const strict = transport({ knownHostsFiles: [file] });
    const acceptNew = transport({ knownHostsFiles: [file], strictHostKeyChecking: 'accept-new' });
    try {
      await expect(strict.open(target())).rejects.toMatchObject({ code: 'SSH_HOSTKEY_UNKNOWN' });
      (await acceptNew.open(target())).close();
      expect(await readFile(file, 'utf8')).toBe(server.knownHostsLine(`[127.0.0.1]:${server.port}`));
      (await strict.open(target())).close();
      const other = (await readFile(knownHosts, 'utf8')).replace(
        /AAAA\S{10}/,
        'AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      );
      await writeFile(file, `# x\n${other}`);
      const e = await strict.open(target()).catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 'SSH_HOSTKEY_MISMATCH' });
      expect((e as Error).message).toContain(`${file}:2`);
    } finally {
      await strict.close();
      await acceptNew.close();
    }
  });

  it('maps a closed port, a silent server and an unknown name to SSH_UNREACHABLE', async () => {
    const silent: Server = createServer((sock: Socket) => sock.on('error', () => undefined));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const free = createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
    const closedPort = (free.address() as AddressInfo).port;
    await new Promise((r) => free.close(r));
    const t = transport({ connectTimeoutMs: 300 });
    try {
      await expect(t.open(target({ port: closedPort }))).rejects.toMatchObject({
        code: 'SSH_UNREACHABLE',
        message: `connection refused (127.0.0.1:${closedPort})`,
      });
      const silentPort = (silent.address() as AddressInfo).port;
      await expect(t.open(target({ port: silentPort }))).rejects.toMatchObject({
        code: 'SSH_UNREACHABLE',
        message: `connection timed out after 300 ms (127.0.0.1:${silentPort})`,
      });
      await expect(t.open(target({ hostname: 'no-such-host.invalid' }))).rejects.toMatchObject({
        code: 'SSH_UNREACHABLE',
        message: expect.stringMatching(/^cannot resolve no-such-host\.invalid/) as unknown,
      });
    } finally {
      await t.close();
      silent.close();
    }
  });

  it('limits new connections per second, separately from how many run at once', async () => {
    const starts: number[] = [];
    const t = transport({ connectRate: 20, onConnecting: () => starts.push(performance.now()) });
    try {
      const before = performance.now();
      const sessions = await Promise.all(Array.from({ length: 8 }, () => t.open(target())));
      sessions.forEach((s) => s.close());
      // The first slot is at `before` or later and slot i comes i × 50 ms after it (timers only run late).
      expect(starts).toHaveLength(8);
      starts.forEach((t, i) => expect(t - before).toBeGreaterThanOrEqual(i * 50 - 1));
    } finally {
      await t.close();
    }
  });

  it('goes through a jump host (ProxyJump) with a forwarded channel', async () => {
    const cfg = parseSshConfig(
      `Host target\n  HostName 127.0.0.1\n  Port ${server.port}\n  ProxyJump bastion\nHost bastion\n  HostName 127.0.0.1\n  Port ${server.port}\n  User ${server.user}\n`,
      'cfg',
    );
    const t = transport({ sshConfig: cfg });
    const before = server.forwards.length;
    try {
      const s = await t.open({ host: 'target' });
      expect((await s.exec('true')).exitCode).toBe(0);
      s.close();
      expect(server.forwards.slice(before)).toEqual([`127.0.0.1:${server.port}`]);
    } finally {
      await t.close();
    }
  });

  it('on timeout kills the remote process group over a second channel', async () => {
    // (ssh2's server drops `signal` requests once a command runs; the lab's sshd shows those work too.)
    const t = transport();
    try {
      const s = await t.open(target());
      const tag = `sleep 5${Math.floor(Math.random() * 1000)}`;
      const r = await s.exec(`${tag} & ${tag}`, { timeoutMs: 200 });
      expect(r).toMatchObject({ timedOut: true });
      expect(server.commands.some((c) => c.includes('kill -TERM -$p'))).toBe(true);
      const left = await s.exec(`ps -eo stat=,args= | grep -v grep | grep -v '^Z' | grep -c '${tag}'`);
      expect(left.exitCode).toBe(1); // grep -c found none
      s.close();
    } finally {
      await t.close();
    }
  });

  it('gives up connecting when aborted, and refuses to open after close', async () => {
    const t = transport({ connectRate: 1 });
    (await t.open(target())).close(); // uses the first slot: the next waits a second
    const abort = new AbortController();
    const pending = t.open(target(), { signal: abort.signal });
    abort.abort();
    await expect(pending).rejects.toMatchObject({ code: 'TRANSPORT_ABORTED' });
    await t.close();
    await expect(t.open(target())).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
  });
});
