// `pogo worker`: connect to a dispatcher's worker port and run the tasks it hands out, until SIGINT or SIGTERM.
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { PogoError, isPogoError } from '../model/index.ts';
import type { WorkerTls } from '../worker/index.ts';
import {
  WorkerAgent,
  checkLinkUrl,
  checkOwnCertificate,
  connectWorker,
  loadSecretsDir,
  workerIdentity,
} from '../worker/index.ts';
import type { CommandContext } from './context.ts';
import { EXIT_CODES } from './exit-codes.ts';
import { usageError } from './flags.ts';
import { addTransportOptions, openTransport } from './one-transport.ts';
import { workerLogger } from './worker-log.ts';

/** `pogo worker`'s flags as commander hands them over. */
export interface WorkerFlags {
  readonly server: string[];
  readonly capacity: string;
  readonly name?: string;
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly insecureLoopback?: boolean;
  readonly transport: string;
  readonly sshConfig?: string;
  readonly user?: string;
  readonly identity: string[];
  readonly acceptNew?: boolean;
  readonly connectRate: string;
  readonly jsonLog?: boolean;
  readonly secrets?: string;
}

/** Add `worker` to the program. */
export function registerWorker(program: Command, ctx: CommandContext): Command {
  const cmd = program
    .command('worker')
    .summary('connect to a dispatcher and run the tasks it hands out over SSH')
    .description(
      'Connect to a pogo server’s worker port (WebSocket over mutual TLS) and run the\n' +
        'host tasks it hands out, at most --capacity at once; reconnect forever.\n' +
        'SIGINT/SIGTERM: take no new task, let running ones finish and deliver their\n' +
        'results, then exit 0; a second signal kills the running tasks.',
    )
    .option(
      '--server <url>',
      'the worker port: wss://HOST:PORT (ws:// only with --insecure-loopback); repeat for the other servers of a cluster (the link moves to the next when one is down)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--capacity <n>', 'tasks run at once at most', '200')
    .option('--name <name>', 'worker name shown by the server (default: this host’s name)')
    .option('--ca <file>', 'CA certificate (PEM) the server’s certificate must chain to')
    .option('--cert <file>', 'this worker’s certificate (PEM), signed by the CA')
    .option('--key <file>', 'this worker’s private key (PEM)')
    .option('--insecure-loopback', 'allow plain ws:// to a loopback address (tests and demos only)')
    .option(
      '--secrets <dir>',
      'directory of secrets for {{secret:NAME}} in commands (one file per secret, mode 0700)',
    )
    .option('--json-log', 'log JSON lines (pino) instead of readable lines');
  return addTransportOptions(cmd).action(async (flags: WorkerFlags) => {
    ctx.exitCode = await runWorker(flags, ctx);
  });
}

/** Run the worker until a signal stops it; 0 when every result was delivered, 1 when some were not. */
export async function runWorker(flags: WorkerFlags, ctx: CommandContext): Promise<number> {
  const urls = flags.server;
  if (urls.length === 0) {
    throw usageError(
      '--server is required',
      'pogo worker --server wss://HOST:PORT --ca CA --cert CERT --key KEY',
    );
  }
  if (new Set(urls).size !== urls.length) throw usageError('--server: the same server is given twice');
  const capacity = Number(flags.capacity);
  if (!/^\s*\d+\s*$/.test(flags.capacity) || capacity < urls.length || capacity > 100_000) {
    throw usageError(
      `--capacity: "${flags.capacity}" is not a whole number from ${urls.length} to 100000`,
      urls.length > 1 ? 'the capacity is shared out between the servers: at least one each' : undefined,
    );
  }
  const name = flags.name ?? hostname();
  if (name === '' || name.length > 200) throw usageError(`--name: must be 1 to 200 characters`);
  const tls = await readTls(flags);
  try {
    for (const url of urls) checkLinkUrl({ url, tls, insecureLoopback: flags.insecureLoopback });
  } catch (e: unknown) {
    if (isPogoError(e, 'WORKER_TLS')) throw new PogoError('USAGE', e.message, { hint: e.hint, cause: e });
    throw e;
  }
  // A certificate of the wrong role, from another CA or expired: WORKER_TLS (exit 64) before connecting.
  if (tls) checkOwnCertificate(tls, 'worker');
  const log = workerLogger(flags.jsonLog === true, ctx.io.err, { worker: name });
  const { transport, targetOf } = await openTransport(flags);
  // Password envelopes are sealed to the worker's certificate: its key opens them (no TLS, no envelopes).
  const identity = tls ? workerIdentity(tls.cert, tls.key) : undefined;
  const secrets = flags.secrets !== undefined ? await loadSecretsDir(flags.secrets) : undefined;
  // One agent per server, each with its share of the capacity and the other servers as fallbacks: a
  // server's jobs taken over by another after it died find its tasks and results there.
  const agents = urls.map((url, i) => {
    const share = Math.floor(capacity / urls.length) + (i < capacity % urls.length ? 1 : 0);
    const agent = new WorkerAgent({ name, capacity: share, transport, targetOf, log, identity, secrets });
    const fallbacks = [...urls.slice(i + 1), ...urls.slice(0, i)];
    const link = connectWorker(agent, { url, fallbacks, tls, insecureLoopback: flags.insecureLoopback, log });
    log.info(
      { url, capacity: share },
      `worker ${name} (${agent.instance}) started: ${url}, capacity ${share}`,
    );
    return { agent, link };
  });

  let signals = 0;
  let stopped: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (stopped = resolve));
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals === 1) {
      const running = agents.reduce((n, a) => n + a.agent.running, 0);
      log.info(
        { signal, running },
        `${signal}: stopping; ${running} running task(s) finish and report (${signal} again kills them)`,
      );
      void Promise.all(agents.map((a) => a.agent.stop())).then(stopped);
    } else {
      log.warn({ signal }, `${signal} again: killing running tasks`);
      for (const a of agents) void a.agent.stop({ force: true });
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await finished;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    for (const a of agents) await a.link.close();
    await transport.close();
  }
  const undelivered = agents.reduce((n, a) => n + a.agent.held.length, 0);
  log.info(
    { undelivered },
    undelivered === 0 ? 'worker stopped' : `worker stopped; ${undelivered} result(s) undelivered`,
  );
  return undelivered === 0 ? EXIT_CODES.ok : EXIT_CODES.hostsFailed;
}

/** The PEM files of --ca/--cert/--key: all three or none. */
async function readTls(flags: WorkerFlags): Promise<WorkerTls | undefined> {
  const { ca, cert, key } = flags;
  if (ca === undefined || cert === undefined || key === undefined) {
    if (ca === undefined && cert === undefined && key === undefined) return undefined;
    throw usageError('--ca, --cert and --key go together', 'give all three, or none with ws://');
  }
  const read = async (flag: string, file: string): Promise<Buffer> => {
    try {
      return await readFile(file);
    } catch (e: unknown) {
      const why = (e as NodeJS.ErrnoException).code ?? 'unreadable';
      throw usageError(`${flag}: cannot read ${file} (${why})`);
    }
  };
  return {
    ca: await read('--ca', ca),
    cert: await read('--cert', cert),
    key: await read('--key', key),
  };
}
