// Per-test set-up for the CLI client's tests: a temp HOME (no real profile), a canned server, `pogo` against it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { CannedHandler, CannedServer } from './canned-server.ts';
import { startCannedServer } from './canned-server.ts';
import type { PogoRun } from './run-pogo.ts';
import { runPogo } from './run-pogo.ts';

/** What a client test uses; valid inside a test (set up before each, torn down after each). */
export interface ClientHarness {
  /** A fresh directory used as HOME and XDG_CONFIG_HOME. */
  readonly home: () => string;
  /** The server started by `serve` in this test. */
  readonly server: () => CannedServer;
  /** Start this test's canned server. */
  readonly serve: (handler: CannedHandler) => Promise<CannedServer>;
  /** `pogo …args` against the server, with POGO_TOKEN=t0k and no profile file of the user's. */
  readonly pogo: (args: readonly string[], cwd?: string) => Promise<PogoRun>;
}

/** Register the before/after hooks of the calling test file and return the harness. */
export function useClientHarness(): ClientHarness {
  let home: string | undefined;
  let server: CannedServer | undefined;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'pogo-client-'));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    if (home) await rm(home, { recursive: true, force: true });
    home = undefined;
  });
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`no ${what} in this test`);
    return value;
  };
  return {
    home: () => need(home, 'home'),
    server: () => need(server, 'server'),
    serve: async (handler) => (server = await startCannedServer(handler)),
    pogo: (args, cwd) =>
      runPogo(args, {
        ...(cwd ? { cwd } : {}),
        env: { POGO_SERVER: server?.url, POGO_TOKEN: 't0k', XDG_CONFIG_HOME: home, HOME: home },
      }),
  };
}
