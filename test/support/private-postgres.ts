// A private PostgreSQL for tests that stop and start it (the shared one stays up for the other suites).
import { execFile } from 'node:child_process';
import { chmod, chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './pogo-server.ts';

const run = promisify(execFile);

/** A running private cluster: its URL, and stop/start of the server process. */
export interface PrivatePostgres {
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

/** Where Debian keeps the PostgreSQL programs (the newest version installed). */
async function binDir(): Promise<string> {
  const versions = (await readdir('/usr/lib/postgresql')).sort((a, b) => Number(b) - Number(a));
  if (versions[0] === undefined)
    throw new Error('no PostgreSQL under /usr/lib/postgresql (apt-get install postgresql)');
  return join('/usr/lib/postgresql', versions[0], 'bin');
}

/**
 * initdb a cluster in a temp directory owned by the `postgres` user (as root) and start it on a free
 * loopback port, with trust auth for `postgres`. The caller must `dispose()` it.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = await binDir();
  const dir = await mkdtemp(join(tmpdir(), 'pogo-pg-private-'));
  const { stdout } = await run('id', ['-u', 'postgres']);
  const uid = Number(stdout.trim());
  const { stdout: g } = await run('id', ['-g', 'postgres']);
  await chown(dir, uid, Number(g.trim()));
  await chmod(dir, 0o700);
  const port = await freePort();
  const as = (cmd: string, args: string[]) =>
    run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]);
  const data = join(dir, 'data');
  await as('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const ctl = (action: 'start' | 'stop') =>
    as('pg_ctl', [
      '-D', data, '-l', join(dir, 'log'), '-w', '-t', '30',
      ...(action === 'start' ? ['-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`] : ['-m', 'fast']),
      action,
    ]); // prettier-ignore
  await ctl('start');
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => void (await ctl('stop')),
    start: async () => void (await ctl('start')),
    dispose: async () => {
      await ctl('stop').catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
