// Real `pogo server` and `pogo worker` child processes for end-to-end tests, and a small API client with the admin token.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { POGO_BIN, REPO_ROOT } from './run-pogo.ts';

/** A child process with its output collected. */
export interface PogoProcess {
  readonly child: ChildProcess;
  readonly output: () => string;
  /** Resolves with the exit code (or signal name). */
  readonly exited: Promise<number | string>;
  /** SIGKILL now. */
  kill9(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Spawn `node bin/pogo.js …args` with an isolated HOME (no real profile is read or written). */
export function spawnPogo(args: readonly string[], env: Record<string, string> = {}): PogoProcess {
  const child = spawn(process.execPath, [POGO_BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  return {
    child,
    output: () => text,
    exited,
    kill9: async () => {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
    stop: async (graceMs = 20_000) => {
      if (!alive()) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => alive() && child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Wait until `p`'s output matches `re`; rejects with the output when it exits or `timeoutMs` passes. */
export async function waitForOutput(
  p: PogoProcess,
  re: RegExp,
  timeoutMs = 30_000,
): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = re.exec(p.output());
    if (m) return m;
    if (p.child.exitCode !== null || p.child.signalCode !== null || Date.now() > deadline) {
      throw new Error(`no ${re} in the output of pogo:\n${p.output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A free TCP port on 127.0.0.1 (for a server that must come back on the same port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** A started `pogo server` with its URL and admin token. */
export interface TestServer {
  readonly process: PogoProcess;
  readonly url: string;
  readonly workerPort: number | undefined;
  readonly token: string;
}

/** Start `pogo server --data DIR …extra` and wait until it serves. HOME is `home` (isolated profile). */
export async function startServer(
  dataDir: string,
  home: string,
  extra: readonly string[],
): Promise<TestServer> {
  const p = spawnPogo(['server', '--data', dataDir, ...extra], {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
  });
  const api = await waitForOutput(p, /API (http:\/\/\S+) /);
  const worker = /worker port wss?:\/\/[^\s]+:(\d+)/.exec(p.output());
  const token = (await readFile(join(dataDir, 'admin.token'), 'utf8')).trim();
  return { process: p, url: api[1] as string, workerPort: worker ? Number(worker[1]) : undefined, token };
}

/** Call the API as the admin; throws with the body on a non-2xx status. */
export async function api<T>(
  server: Pick<TestServer, 'url' | 'token'>,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(server.url + path, {
    method,
    headers: {
      authorization: `Bearer ${server.token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Poll `fn` until it returns a value that is not undefined, at most `timeoutMs`. */
export async function until<T>(
  fn: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Upload a namespace config (YAML) as the admin; throws with the body unless it is stored (201). */
export async function putConfig(
  server: Pick<TestServer, 'url' | 'token'>,
  namespace: string,
  yaml: string,
): Promise<void> {
  const res = await fetch(`${server.url}/v1/namespaces/${namespace}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/yaml' },
    body: yaml,
  });
  if (res.status !== 201) throw new Error(`PUT namespace ${namespace}: ${res.status} ${await res.text()}`);
}
