// Starts the whole server: store, dispatcher (recovery), HTTP API, worker port, embedded worker; stops it in order.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { buildApi } from '../../api/index.ts';
import type { TrustedProxy } from '../../api/index.ts';
import { Accounts } from '../../security/index.ts';
import type { Logger as PinoLogger } from 'pino';
import type { DispatcherOptions, Logger } from '../../dispatcher/index.ts';
import {
  Dispatcher,
  Retention,
  ServerService,
  connectInProcess,
  startWorkerLinkServer,
} from '../../dispatcher/index.ts';
import { PogoError } from '../../model/index.ts';
import type { Store } from '../../store/index.ts';
import { isPostgresUrl, openPostgresStore, openSqliteStore, redactPostgresUrl } from '../../store/index.ts';
import type { Transport, Target } from '../../transport/index.ts';
import { WorkerAgent } from '../../worker/index.ts';
import { bootstrapAdmin, clientProfilePath, lockDataDir } from './data-dir.ts';
import { ensureServerPki, writeClientWorkerCa } from './server-pki.ts';
import type { Bootstrap } from './data-dir.ts';

/** Everything `pogo server` needs, validated (see compileServerOptions). */
export interface CompiledServerOptions {
  readonly listenHost: string;
  readonly listenPort: number;
  readonly dataDir: string;
  /** `sqlite:PATH` (default DATA/pogo.db) or `postgres://…`. */
  readonly store: string;
  /** The worker port, or undefined when it is off (no TLS material and no --insecure-loopback). */
  readonly workerListen?: { readonly host: string; readonly port: number } | undefined;
  readonly workerTls?: { readonly ca: Buffer; readonly cert: Buffer; readonly key: Buffer } | undefined;
  readonly insecureLoopback: boolean;
  /** `--roles`: serve the API, drive jobs (dispatcher, worker port, embedded worker), or both. */
  readonly roles: { readonly api: boolean; readonly dispatcher: boolean };
  /** Embedded worker: its capacity and transport, or undefined with --no-worker. */
  readonly embedded?:
    | {
        readonly capacity: number;
        readonly transport: Transport;
        readonly targetOf: (h: string) => Target;
        /** `--secrets DIR` of the embedded worker. */
        readonly secrets?: ReadonlyMap<string, string> | undefined;
      }
    | undefined;
  readonly workerGraceMs: number;
  /** Prune events and output of jobs that ended longer ago than this; undefined: keep everything. */
  readonly retentionMs?: number | undefined;
  readonly name: string;
  readonly log: Logger;
  /** The API's request and error log (pino), or false. */
  readonly apiLogger: PinoLogger | false;
  /** Pogo's version, shown in the OpenAPI document. */
  readonly version: string;
  /** Serve the API over HTTPS with this certificate and key (`--tls-cert`, `--tls-key`). */
  readonly apiTls?: { readonly cert: Buffer; readonly key: Buffer } | undefined;
  /** SSO behind a reverse proxy (`--trusted-proxy`, `--user-header`); off when undefined. */
  readonly trustedProxy?: TrustedProxy | undefined;
  /** The built web UI served at `/` (`--web-root`, default the package's dist/web); undefined with `--no-ui`. */
  readonly webRoot?: string | undefined;
  /** Webhooks of every namespace (`--notify`, `--notify-slack`), their secrets, the UI's public address. */
  readonly notify?: DispatcherOptions['notify'];
}

/** Lease length on a shared store (PostgreSQL): a job is taken over within this after its owner dies. */
export const SHARED_LEASE_TTL_MS = 10_000;

/** A running server. */
export interface RunningServer {
  readonly url: string;
  readonly workerPort: number | undefined;
  readonly bootstrap: Bootstrap | undefined;
  /** The client's worker CA file written now (first start on this machine), if any. */
  readonly workerCaFile: string | undefined;
  readonly dispatcher: Dispatcher;
  readonly store: Store;
  /** Graceful stop: stop accepting requests, let the embedded worker finish (unless `force`), write, close. */
  close(options?: { readonly force?: boolean }): Promise<void>;
}

/** Open the store for a `--store` value: `sqlite:PATH`, or `postgres://…` (`?schema=`, `?pool_size=`). */
export function openStore(spec: string): Store {
  if (spec.startsWith('sqlite:')) return openSqliteStore(spec.slice('sqlite:'.length));
  if (isPostgresUrl(spec)) return openPostgresStore({ url: spec });
  throw new PogoError('SERVER_START_FAILED', `--store: "${spec}" is neither sqlite:PATH nor postgres://…`);
}

/** A `--store` value as it may be printed: a PostgreSQL password becomes `***`. */
export function describeStore(spec: string): string {
  return isPostgresUrl(spec) ? redactPostgresUrl(spec) : spec;
}

/** Start the server; on any failure what was started is stopped again. */
export async function runServer(o: CompiledServerOptions): Promise<RunningServer> {
  const unlock = lockDataDir(o.dataDir);
  const cleanups: (() => Promise<void> | void)[] = [unlock];
  const undo = async (): Promise<void> => {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
  };
  try {
    const store = openStore(o.store);
    cleanups.push(() => store.close());
    await store.migrate();
    const dispatcher = new Dispatcher({
      store,
      name: o.name,
      baseDir: o.dataDir,
      workerGraceMs: o.workerGraceMs,
      // On a shared store another server takes a job over once its lease lapses: keep that short.
      ...(store.capabilities.shared ? { leaseTtlMs: SHARED_LEASE_TTL_MS } : {}),
      deciding: o.roles.dispatcher,
      log: o.log,
      ...(o.notify ? { notify: o.notify } : {}),
    });
    cleanups.push(() => dispatcher.stop());
    await dispatcher.start();
    if (o.retentionMs !== undefined) {
      const retention = new Retention({ store, maxAgeMs: o.retentionMs, log: o.log });
      retention.start();
      cleanups.push(() => retention.stop());
    }
    const accounts = new Accounts(store);
    const service = new ServerService(store, dispatcher, Date.now, accounts);
    const app = await buildApi({
      service,
      accounts,
      logger: o.apiLogger,
      version: o.version,
      systemOnly: !o.roles.api,
      ...(o.apiTls && { https: o.apiTls }),
      ...(o.trustedProxy && { trustedProxy: o.trustedProxy }),
      ...(o.webRoot !== undefined && { webRoot: o.webRoot }),
    });
    await app.listen({ host: o.listenHost, port: o.listenPort });
    cleanups.push(() => app.close());
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : o.listenPort;
    const url = `${o.apiTls ? 'https' : 'http'}://${o.listenHost.includes(':') ? `[${o.listenHost}]` : o.listenHost}:${port}`;

    let workerPort: number | undefined;
    if (o.workerListen) {
      const link = await startWorkerLinkServer({
        host: o.workerListen.host,
        port: o.workerListen.port,
        ...(o.workerTls ? { tls: o.workerTls } : {}),
        insecureLoopback: o.insecureLoopback,
        handler: dispatcher,
        dispatcherName: o.name,
        // Refused workers (no certificate, another CA, expired, wrong role) are warnings in the server's log.
        log: o.log,
      });
      workerPort = link.port;
      cleanups.push(() => link.close());
    }

    // The server's CA and the embedded worker's certificate: password envelopes are sealed to it.
    const pki = await ensureServerPki(join(o.dataDir, 'pki'), o.name);
    let agent: WorkerAgent | undefined;
    if (o.embedded) {
      agent = new WorkerAgent({
        name: `${o.name}/embedded`,
        capacity: o.embedded.capacity,
        transport: o.embedded.transport,
        targetOf: o.embedded.targetOf,
        identity: pki.identity,
        secrets: o.embedded.secrets,
      });
      const inProcess = connectInProcess(agent, dispatcher, {
        dispatcherName: o.name,
        certificate: pki.certificate,
      });
      const a = agent;
      const transport = o.embedded.transport;
      cleanups.push(async () => {
        inProcess.close();
        await transport.close();
      });
      cleanups.push(() => a.stop({ force: true }));
    }
    const bootstrap = await bootstrapAdmin(store, o.dataDir, url, Date.now());
    const workerCaFile = await writeClientWorkerCa(clientProfilePath(), [
      pki.caPem,
      ...(o.workerTls ? [o.workerTls.ca.toString('utf8')] : []),
    ]);
    let closing: Promise<void> | undefined;
    return {
      url,
      workerPort,
      bootstrap,
      workerCaFile,
      dispatcher,
      store,
      close: (options) => {
        closing ??= (async () => {
          dispatcher.quiesce();
          if (agent && !options?.force) await agent.stop({ timeoutMs: 600_000 });
          await undo();
        })();
        return closing;
      },
    };
  } catch (e: unknown) {
    await undo();
    throw e;
  }
}

/** A dispatcher name: `pogo@HOST-RANDOM` (a lease owner must differ between incarnations on a shared store). */
export function serverName(shared: boolean): string {
  return shared ? `pogo@${hostname()}-${randomBytes(3).toString('hex')}` : `pogo@${hostname()}`;
}

/** The default SQLite store of a data directory. */
export function defaultStore(dataDir: string): string {
  return `sqlite:${join(dataDir, 'pogo.db')}`;
}
