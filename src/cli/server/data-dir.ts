// The server's data directory: created private, locked against a second server, home of the first admin token.
import { closeSync, constants, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PogoError, isPogoError } from '../../model/index.ts';
import { Accounts } from '../../security/index.ts';
import type { Store } from '../../store/index.ts';

/** Create `dir` (mode 0700) and take its lock; a live server already holding it is an error. Returns the unlock. */
export function lockDataDir(dir: string): () => void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e: unknown) {
    throw new PogoError('SERVER_START_FAILED', `cannot create the data directory ${dir}`, { cause: e });
  }
  const lock = join(dir, 'server.pid');
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fd = openSync(lock, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(lock, { force: true });
    } catch (e: unknown) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new PogoError('SERVER_START_FAILED', `cannot write ${lock}`, { cause: e });
      }
      const pid = Number(readFileSync(lock, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw new PogoError('SERVER_START_FAILED', `another pogo server (pid ${pid}) uses ${dir}`, {
          hint: 'stop it, or give this one another --data directory',
        });
      }
      rmSync(lock, { force: true }); // left by a server that died (kill -9): take it over
    }
  }
  throw new PogoError('SERVER_START_FAILED', `cannot lock ${lock}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: unknown) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Where the first admin token and the client profile went, if they were made now. */
export interface Bootstrap {
  readonly tokenFile: string;
  readonly profile?: string;
}

/**
 * On a store with no users: create `admin` with a token, write it to DATA/admin.token (0600), and when the
 * user has no client profile yet, one pointing at this server (so `pogo run` works at once on this machine).
 */
export async function bootstrapAdmin(
  store: Store,
  dataDir: string,
  serverUrl: string,
  now: number,
): Promise<Bootstrap | undefined> {
  if ((await store.listUsers()).length > 0) return undefined;
  try {
    await store.createUser('admin', [{ namespace: '*', role: 'admin' }], now);
  } catch (e: unknown) {
    // Several servers starting at once on one PostgreSQL: the first one makes the admin.
    if (isPogoError(e, 'STORE_CONFLICT')) return undefined;
    throw e;
  }
  const bootstrap = { user: 'pogo server', remote: 'first start' };
  const { token } = await new Accounts(store, { now: () => now }).createToken(
    'admin',
    { label: 'first admin token' },
    { ...bootstrap, role: 'admin' },
  );
  const tokenFile = join(dataDir, 'admin.token');
  await writeFile(tokenFile, token + '\n', { mode: 0o600 });
  await chmod(tokenFile, 0o600);
  const profile = clientProfilePath();
  const existing = await readFile(profile, 'utf8').catch(() => undefined);
  if (existing !== undefined) return { tokenFile };
  await mkdir(dirname(profile), { recursive: true, mode: 0o700 });
  await writeFile(profile, `server: ${serverUrl}\ntoken: ${token}\n`, { mode: 0o600 });
  return { tokenFile, profile };
}

/** `$XDG_CONFIG_HOME/pogo/config.yaml`, default `~/.config/pogo/config.yaml`. */
export function clientProfilePath(): string {
  const base = process.env.XDG_CONFIG_HOME || join(process.env.HOME ?? '.', '.config');
  return join(base, 'pogo', 'config.yaml');
}

/** `$XDG_DATA_HOME/pogo`, default `~/.local/share/pogo`. */
export function defaultDataDir(): string {
  const base = process.env.XDG_DATA_HOME || join(process.env.HOME ?? '.', '.local', 'share');
  return join(base, 'pogo');
}
