// An in-process SSH server (ssh2) for the transport's unit tests: key and password auth, exec via /bin/sh, forwarding.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { Connection, ParsedKey } from 'ssh2';

const { Server, utils } = ssh2;

export interface SshTestServerOptions {
  /** Login user (default `tester`). */
  readonly user?: string;
  /** Accept this password (default: password auth refused). */
  readonly password?: string;
  /** Accept the generated client key (default true). */
  readonly acceptKey?: boolean;
}

/** A running test server; `stop()` kills what it started and removes its files. */
export interface SshTestServer {
  readonly port: number;
  readonly user: string;
  readonly dir: string;
  /** Private key file authorised for `user`. */
  readonly clientKeyFile: string;
  /** The server's host key as an SSH public key blob. */
  readonly hostKey: Buffer;
  /** A known_hosts line for the server under `name`. */
  knownHostsLine(name: string): string;
  /** `performance.now()` of each TCP connection the server accepted. */
  readonly connectionTimes: number[];
  /** Signals the client sent (`TERM`, `KILL`). */
  readonly signals: string[];
  /** Commands the client ran. */
  readonly commands: string[];
  /** Destinations the client asked to be forwarded to (`host:port`). */
  readonly forwards: string[];
  stop(): Promise<void>;
}

function keyBlob(publicKey: string): Buffer {
  const parsed = utils.parseKey(publicKey) as ParsedKey;
  return parsed.getPublicSSH();
}

/** Start a server on 127.0.0.1 (a free port). */
export async function startSshTestServer(options: SshTestServerOptions = {}): Promise<SshTestServer> {
  const user = options.user ?? 'tester';
  const dir = await mkdtemp(join(tmpdir(), 'pogo-ssh2-'));
  const host = utils.generateKeyPairSync('ed25519');
  const client = utils.generateKeyPairSync('ed25519');
  const clientKeyFile = join(dir, 'id_ed25519');
  await writeFile(clientKeyFile, client.private, { mode: 0o600 });
  const clientPub = utils.parseKey(client.public) as ParsedKey;
  const hostKey = keyBlob(host.public);
  const children = new Set<ChildProcess>();
  const conns = new Set<Connection>();
  const state = {
    connectionTimes: [] as number[],
    signals: [] as string[],
    commands: [] as string[],
    forwards: [] as string[],
  };

  const server = new Server({ hostKeys: [host.private] }, (conn) => {
    conns.add(conn);
    conn.on('close', () => conns.delete(conn));
    conn.on('error', () => undefined);
    conn.on('authentication', (ctx) => {
      if (ctx.username !== user) return ctx.reject(['publickey', 'password']);
      if (ctx.method === 'password' && options.password !== undefined) {
        const a = Buffer.from(ctx.password);
        const b = Buffer.from(options.password);
        return a.length === b.length && timingSafeEqual(a, b)
          ? ctx.accept()
          : ctx.reject(['publickey', 'password']);
      }
      if (
        ctx.method === 'publickey' &&
        options.acceptKey !== false &&
        ctx.key.data.equals(clientPub.getPublicSSH())
      ) {
        if (!ctx.signature) return ctx.accept(); // the "would you accept this key" query
        return clientPub.verify(ctx.blob as Buffer, ctx.signature, ctx.hashAlgo)
          ? ctx.accept()
          : ctx.reject();
      }
      return ctx.reject(['publickey', 'password']);
    });
    conn.on('tcpip', (accept, reject, info) => {
      state.forwards.push(`${info.destIP}:${info.destPort}`);
      const sock = netConnect(info.destPort, info.destIP);
      sock.once('error', () => reject());
      sock.once('connect', () => {
        const ch = accept();
        ch.pipe(sock).pipe(ch);
      });
    });
    conn.on('session', (acceptSession) => {
      const session = acceptSession();
      let child: ChildProcess | undefined;
      session.on('pty', (accept) => accept());
      session.on('signal', (_accept, _reject, info) => {
        state.signals.push(info.name);
        if (child?.pid !== undefined) {
          try {
            process.kill(-child.pid, `SIG${info.name}` as NodeJS.Signals);
          } catch {
            // already gone
          }
        }
      });
      session.on('exec', (accept, _reject, info) => {
        state.commands.push(info.command);
        const ch = accept();
        const proc = spawn('/bin/sh', ['-c', info.command], { detached: true, stdio: 'pipe' });
        child = proc;
        children.add(proc);
        proc.stdout.pipe(ch, { end: false });
        proc.stderr.pipe(ch.stderr, { end: false });
        ch.pipe(proc.stdin).on('error', () => undefined);
        proc.on('close', (code, signal) => {
          children.delete(proc);
          if (signal) ch.exit(signal.replace(/^SIG/, ''), false, '');
          else ch.exit(code ?? 0);
          ch.end();
        });
      });
    });
  });
  server.on('connection', () => state.connectionTimes.push(performance.now()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    user,
    dir,
    clientKeyFile,
    hostKey,
    ...state,
    knownHostsLine: (name) => `${name} ssh-ed25519 ${hostKey.toString('base64')}\n`,
    async stop() {
      for (const c of children) {
        try {
          if (c.pid !== undefined) process.kill(-c.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      for (const c of conns) c.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
