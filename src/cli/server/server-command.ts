// `pogo server`: the API, the dispatcher, the worker port and an embedded worker in one process, until a signal.
import { loadSecretsDir } from '../../worker/index.ts';
import { pinoRedaction, redactFields } from '../../security/index.ts';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import pino from 'pino';
import { parseNetwork } from '../../api/index.ts';
import type { Logger } from '../../dispatcher/index.ts';
import { isWebhookUrl } from '../../config/index.ts';
import { NOTIFY_EVENTS } from '../../model/index.ts';
import type { NotifyTarget } from '../../model/index.ts';
import type { CommandContext } from '../context.ts';
import { parseDurationFlag, usageError } from '../flags.ts';
import { addTransportOptions, openTransport } from '../one-transport.ts';
import type { OneFlags } from '../one-flags.ts';
import { defaultDataDir } from './data-dir.ts';
import type { CompiledServerOptions } from './run-server.ts';
import { defaultStore, describeStore, runServer, serverName } from './run-server.ts';

/** Flags of `pogo server` as commander hands them over. */
export interface ServerFlags {
  readonly listen: string;
  readonly data?: string;
  readonly store?: string;
  readonly workerListen: string;
  readonly worker: boolean;
  readonly capacity: string;
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly insecureLoopback?: boolean;
  readonly workerGrace: string;
  readonly retention: string;
  readonly name?: string;
  readonly jsonLog?: boolean;
  readonly transport: string;
  readonly sshConfig?: string;
  readonly user?: string;
  readonly identity: string[];
  readonly acceptNew?: boolean;
  readonly connectRate: string;
  readonly secrets?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly trustedProxy?: string;
  readonly userHeader?: string;
  readonly roles: string;
  /** `--no-ui` sets it false. */
  readonly ui?: boolean;
  readonly webRoot?: string;
  readonly notify: string[];
  readonly notifySlack: string[];
  readonly publicUrl?: string;
}

/** Add `server` to the program. */
export function registerServer(program: Command, ctx: CommandContext): Command {
  const cmd = program
    .command('server')
    .summary('run the API, the dispatcher and an embedded worker (SQLite: the whole system)')
    .description(
      'Serve the HTTP API (REST /v1, SSE, OpenAPI, /metrics), drive jobs, accept workers on the worker port\n' +
        '(mutual TLS with --ca/--cert/--key), and run an embedded worker unless --no-worker. State lives in\n' +
        '--data (SQLite) or in PostgreSQL (--store postgres://…). Ctrl-C stops gracefully (running hosts\n' +
        'finish); a second Ctrl-C stops at once.',
    )
    .option('--listen <host:port>', 'address of the HTTP API', '127.0.0.1:7657')
    .option('--data <dir>', 'data directory (default ~/.local/share/pogo)')
    .option(
      '--store <url>',
      'sqlite:PATH (default DATA/pogo.db) or postgres://USER:PASSWORD@HOST:PORT/DB[?schema=NAME&pool_size=N]',
    )
    .option('--worker-listen <host:port>', 'address of the worker port', '127.0.0.1:7655')
    .option('--no-worker', 'no embedded worker: only remote `pogo worker` processes run tasks')
    .option('--capacity <n>', 'tasks the embedded worker runs at once', '200')
    .option('--ca <file>', 'CA certificate that signs worker certificates (worker port, mutual TLS)')
    .option('--cert <file>', 'this server’s certificate for the worker port')
    .option('--key <file>', 'this server’s private key for the worker port')
    .option('--insecure-loopback', 'accept workers without TLS, only when --worker-listen is on 127.0.0.1')
    .option('--worker-grace <time>', 'how long a disconnected worker may take to come back', '60s')
    .option(
      '--retention <age>',
      'prune events and output of jobs that ended longer ago (off: keep all)',
      '90d',
    )
    .option('--name <name>', 'this dispatcher’s name (default pogo@HOSTNAME)')
    .option(
      '--roles <list>',
      'what this server does: api (the HTTP API), dispatcher (drives jobs, worker port), or both',
      'api,dispatcher',
    )
    .option('--json-log', 'log JSON lines (pino) instead of plain lines')
    .option('--secrets <dir>', 'the embedded worker’s secrets for {{secret:NAME}} (one file each, mode 0700)')
    .option('--tls-cert <file>', 'serve the API over HTTPS with this certificate (PEM; with --tls-key)')
    .option('--tls-key <file>', 'the private key of --tls-cert (PEM)')
    .option('--trusted-proxy <cidrs>', 'SSO: requests from these addresses (CIDR,…) may name their user')
    .option(
      '--user-header <name>',
      'SSO: the header a trusted proxy names the user in (with --trusted-proxy)',
    )
    .option('--web-root <dir>', 'serve the web UI from this directory (default: the one built into Pogo)')
    .option('--no-ui', 'do not serve the web UI (the API only)')
    .option('--notify <url>', 'webhook told of every job’s start and end, JSON (repeatable)', collectFlag, [])
    .option('--notify-slack <url>', 'the same, as Slack-compatible { text } (repeatable)', collectFlag, [])
    .option('--public-url <url>', 'where users reach the web UI, for links in webhooks');
  return addTransportOptions(cmd, 'embedded worker').action(async (flags: ServerFlags) => {
    ctx.exitCode = await serve(flags, ctx);
  });
}

async function serve(flags: ServerFlags, ctx: CommandContext): Promise<number> {
  const options = await compileServerOptions(flags);
  const server = await runServer(options);
  const say = (line: string): void => ctx.io.out(`pogo server: ${line}\n`);
  say(`API ${server.url} (OpenAPI at ${server.url}/v1/openapi.json)`);
  say(webUiLine(options, server.url, flags.ui !== false && options.roles.api));
  if (server.workerPort !== undefined && options.workerListen) {
    const scheme = options.workerTls ? 'wss' : 'ws';
    say(`worker port ${scheme}://${options.workerListen.host}:${server.workerPort}`);
  } else {
    say('worker port off (give --ca, --cert and --key, or --insecure-loopback on 127.0.0.1)');
  }
  say(`data ${options.dataDir}, store ${describeStore(options.store)}`);
  if (options.trustedProxy) {
    const { userHeader, networks } = options.trustedProxy;
    say(`trusted proxy: ${userHeader} names the user on requests from ${networks.join(', ')}`);
  }
  if (!options.apiTls && !isLoopback(options.listenHost)) {
    say('warning: the API is not on loopback and has no TLS: tokens cross the network in clear');
  }
  if (options.embedded) say(`embedded worker: capacity ${options.embedded.capacity}`);
  if (server.workerCaFile) say(`worker CA for sealed passwords written to ${server.workerCaFile}`);
  if (server.bootstrap) {
    // On a terminal the token is shown once; services (no TTY: journald, log files) get only the file.
    const token = process.stdout.isTTY ? (await readFile(server.bootstrap.tokenFile, 'utf8')).trim() : '';
    say(
      token === ''
        ? `first start: admin token in ${server.bootstrap.tokenFile}`
        : `first start: admin token ${token} (shown only now; also in ${server.bootstrap.tokenFile})`,
    );
    if (server.bootstrap.profile) say(`client profile written to ${server.bootstrap.profile}`);
  }
  await new Promise<void>((done) => {
    let signals = 0;
    const onSignal = (name: string): void => {
      signals++;
      if (signals === 1) {
        say(`${name}: stopping; running hosts finish (${name} again stops at once)`);
        void server.close().then(done, done);
      } else {
        say(`${name} again: stopping now`);
        void server.close({ force: true }).then(done, done);
      }
    };
    process.on('SIGINT', () => onSignal('SIGINT'));
    process.on('SIGTERM', () => onSignal('SIGTERM'));
  });
  return 0;
}

/** The package's built UI: dist/web beside dist/cli (published), or the checkout's dist/web (run from source). */
export function defaultWebRoot(): string {
  return fileURLToPath(new URL('../../../dist/web', import.meta.url));
}

/** What the start-up log says about the UI: its address, or why there is none and how to get it. */
export function webUiLine(
  options: Pick<CompiledServerOptions, 'webRoot' | 'dataDir'>,
  url: string,
  wanted: boolean,
): string {
  const webRoot = options.webRoot;
  if (!wanted || webRoot === undefined) return 'web UI off (--no-ui, or an API-less server)';
  if (existsSync(join(webRoot, 'index.html'))) {
    return `web UI ${url}/ (log in with an API token; the first admin's is in ${join(options.dataDir, 'admin.token')})`;
  }
  return `web UI not built (no ${join(webRoot, 'index.html')}): run \`npm run build:web\` in the Pogo checkout, then restart`;
}

/** 127.0.0.0/8, ::1 and localhost. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Validate flags once; defaults in one place. */
export async function compileServerOptions(flags: ServerFlags): Promise<CompiledServerOptions> {
  const listen = hostPort('--listen', flags.listen);
  const workerListen = hostPort('--worker-listen', flags.workerListen);
  const dataDir = resolve(flags.data ?? defaultDataDir());
  const capacity = Number(flags.capacity);
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > 100_000) {
    throw usageError(`--capacity: "${flags.capacity}" is not a whole number from 1 to 100000`);
  }
  const tlsFiles = [flags.ca, flags.cert, flags.key].filter((f) => f !== undefined);
  if (tlsFiles.length > 0 && tlsFiles.length < 3) {
    throw usageError('--ca, --cert and --key go together (the worker port uses mutual TLS)');
  }
  const workerTls =
    flags.ca && flags.cert && flags.key
      ? {
          ca: await readPem('--ca', flags.ca),
          cert: await readPem('--cert', flags.cert),
          key: await readPem('--key', flags.key),
        }
      : undefined;
  const graceMs = parseDurationFlag('--worker-grace', flags.workerGrace) ?? 60_000;
  const retentionMs =
    flags.retention === 'off' ? undefined : parseDurationFlag('--retention', flags.retention);
  if (retentionMs !== undefined && retentionMs < 3_600_000) {
    throw usageError(`--retention: "${flags.retention}" is under an hour`, 'e.g. --retention 90d, or off');
  }
  const store = flags.store ?? defaultStore(dataDir);
  const roles = parseRoles(flags.roles, store);
  const webRoot = flags.ui === false ? undefined : resolve(flags.webRoot ?? defaultWebRoot());
  if (flags.webRoot !== undefined && flags.ui !== false && !existsSync(join(flags.webRoot, 'index.html'))) {
    throw usageError(
      `--web-root: ${flags.webRoot} has no index.html`,
      'give the directory of a built UI (npm run build:web writes dist/web)',
    );
  }
  const secrets = flags.secrets !== undefined ? await loadSecretsDir(flags.secrets) : undefined;
  const embedded =
    flags.worker && roles.dispatcher
      ? {
          capacity,
          ...(await openTransport(embeddedTransportFlags(flags))),
          ...(secrets !== undefined ? { secrets } : {}),
        }
      : undefined;
  const log = makeLogger(flags.jsonLog === true);
  // The API logs requests (JSON) with --json-log; otherwise only its warnings and errors.
  const apiLogger = pino({ level: flags.jsonLog ? 'info' : 'warn', ...pinoRedaction() }, pino.destination(2));
  return {
    ...(await apiSecurityOptions(flags)),
    listenHost: listen.host,
    listenPort: listen.port,
    dataDir,
    store,
    roles,
    workerListen: roles.dispatcher && (workerTls || flags.insecureLoopback) ? workerListen : undefined,
    workerTls,
    insecureLoopback: flags.insecureLoopback === true,
    embedded,
    workerGraceMs: graceMs,
    retentionMs,
    name: flags.name ?? serverName(store.startsWith('postgres')),
    log,
    apiLogger,
    version: packageVersion(),
    webRoot,
    notify: {
      targets: [
        ...flags.notify.map((u) => notifyTarget('--notify', u, 'json')),
        ...flags.notifySlack.map((u) => notifyTarget('--notify-slack', u, 'slack')),
      ],
      secrets: secrets ?? new Map(),
      publicUrl: flags.publicUrl === undefined ? undefined : httpUrl('--public-url', flags.publicUrl),
    },
  };
}

/** A `--notify` URL: http(s), `{{secret:NAME}}` allowed (filled from --secrets when a post is sent). */
function notifyTarget(flag: string, raw: string, format: NotifyTarget['format']): NotifyTarget {
  return { url: httpUrl(flag, raw), format, on: [...NOTIFY_EVENTS] };
}

function httpUrl(flag: string, raw: string): string {
  if (isWebhookUrl(raw)) return raw;
  throw usageError(`${flag}: "${raw}" is not an http(s) URL`, 'e.g. https://hooks.example.com/pogo');
}

function collectFlag(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `--roles api,dispatcher`: either or both; API-only needs a store a dispatcher shares (PostgreSQL). */
function parseRoles(raw: string, store: string): CompiledServerOptions['roles'] {
  const names = raw
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  const bad = names.find((r) => r !== 'api' && r !== 'dispatcher');
  if (bad !== undefined || names.length === 0) {
    throw usageError(
      `--roles: "${raw}" ${bad === undefined ? 'names no role' : `has an unknown role "${bad}"`}`,
      'give api, dispatcher or api,dispatcher',
    );
  }
  const roles = { api: names.includes('api'), dispatcher: names.includes('dispatcher') };
  if (!roles.dispatcher && !store.startsWith('postgres')) {
    throw usageError(
      '--roles api: an API-only server needs a PostgreSQL store that a dispatcher server shares',
      'give --store postgres://… (with SQLite one server does both: leave --roles out)',
    );
  }
  return roles;
}

/** `--tls-cert`/`--tls-key` and `--trusted-proxy`/`--user-header`, each pair all or nothing. */
async function apiSecurityOptions(
  flags: ServerFlags,
): Promise<Pick<CompiledServerOptions, 'apiTls' | 'trustedProxy'>> {
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) {
    throw usageError('--tls-cert and --tls-key go together (the API serves HTTPS with both)');
  }
  if ((flags.trustedProxy === undefined) !== (flags.userHeader === undefined)) {
    throw usageError(
      '--trusted-proxy and --user-header go together',
      'e.g. --trusted-proxy 10.0.0.5/32 --user-header X-Forwarded-User',
    );
  }
  const apiTls =
    flags.tlsCert && flags.tlsKey
      ? { cert: await readPem('--tls-cert', flags.tlsCert), key: await readPem('--tls-key', flags.tlsKey) }
      : undefined;
  let trustedProxy: CompiledServerOptions['trustedProxy'];
  if (flags.trustedProxy !== undefined && flags.userHeader !== undefined) {
    const networks = flags.trustedProxy
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== '');
    if (networks.length === 0) throw usageError('--trusted-proxy: give at least one address or CIDR');
    for (const n of networks) parseNetwork(n);
    if (!/^[A-Za-z0-9-]+$/.test(flags.userHeader) || /^authorization$/i.test(flags.userHeader)) {
      throw usageError(`--user-header: "${flags.userHeader}" is not a header name (letters, digits, -)`);
    }
    trustedProxy = { networks, userHeader: flags.userHeader };
  }
  return { apiTls, trustedProxy };
}

function packageVersion(): string {
  const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
  const v: unknown = (JSON.parse(text) as { version?: unknown }).version;
  return typeof v === 'string' ? v : '0.0.0';
}

function embeddedTransportFlags(f: ServerFlags): OneFlags {
  return {
    transport: f.transport,
    connectRate: f.connectRate,
    identity: f.identity,
    ...(f.sshConfig !== undefined ? { sshConfig: f.sshConfig } : {}),
    ...(f.user !== undefined ? { user: f.user } : {}),
    ...(f.acceptNew ? { acceptNew: true } : {}),
  } as OneFlags;
}

function hostPort(flag: string, raw: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(raw.trim());
  const port = Number(m?.[2]);
  if (!m?.[1] || !Number.isInteger(port) || port > 65535) {
    throw usageError(
      `${flag}: "${raw}" is not HOST:PORT`,
      `e.g. ${flag} 127.0.0.1:7657 (port 0: any free port)`,
    );
  }
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

async function readPem(flag: string, file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e: unknown) {
    throw usageError(`${flag}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** Plain readable lines on stderr, or pino JSON with --json-log. */
function makeLogger(json: boolean): Logger {
  if (json) return pino({ base: { pid: process.pid }, ...pinoRedaction() }, pino.destination(2));
  const line =
    (level: string) =>
    (obj: object, msg?: string): void => {
      const fields = Object.entries(redactFields(obj) as Record<string, unknown>)
        .map(([k, v]) => `${k}=${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`)
        .join(' ');
      process.stderr.write(`${new Date().toISOString()} ${level} ${msg ?? ''} ${fields}\n`);
    };
  return { info: line('info'), warn: line('warn'), error: line('error'), debug: () => undefined };
}
