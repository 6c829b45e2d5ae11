// The UI benchmark's server: `pogo server`'s own start-up (runServer) on SQLite with the web UI and an embedded
// worker whose commands take no process (bench/paced-transport.ts). Prints `{ url, token }` once it serves.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runServer, defaultStore } from '../src/cli/server/run-server.ts';
import { defaultWebRoot } from '../src/cli/server/server-command.ts';
import { silentLogger } from '../src/dispatcher/index.ts';
import { pacedTransport } from './paced-transport.ts';

const dir = process.env.UI_BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'pogo-bench-ui-'));
const dataDir = join(dir, 'data');
const server = await runServer({
  listenHost: '127.0.0.1',
  listenPort: 0,
  dataDir,
  store: defaultStore(dataDir),
  roles: { api: true, dispatcher: true },
  insecureLoopback: false,
  embedded: { capacity: 2000, transport: pacedTransport(), targetOf: (host) => ({ host }) },
  workerGraceMs: 60_000,
  name: 'bench-ui',
  log: silentLogger,
  apiLogger: false,
  version: 'bench',
  webRoot: defaultWebRoot(),
});
const token = readFileSync(join(dataDir, 'admin.token'), 'utf8').trim();
process.stdout.write(`${JSON.stringify({ url: server.url, token })}\n`);
process.on('SIGTERM', () => {
  void server.close({ force: true }).then(() => process.exit(0));
});
