// startLab: a private sshd on 127.0.0.1 that answers for lab-0001 … lab-N, with the files clients need.
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PogoError } from '../../model/index.ts';
import { renderHostsFile, renderInventory, renderKnownHosts, renderSshConfig } from './client-files.ts';
import type { ClientFileInput } from './client-files.ts';
import { findFreePort } from './free-port.ts';
import { labHostNames } from './host-names.ts';
import { generateKeyPair } from './keygen.ts';
import { labPaths } from './lab.ts';
import type { Lab, LabPaths, StartLabOptions } from './lab.ts';
import { compileStartLabOptions } from './lab-options.ts';
import type { CompiledStartLabOptions } from './lab-options.ts';
import { isLabSshd, readLabPid } from './lab-pid.ts';
import { prepareLabLogin, runningAsRoot, writeSecret } from './lab-user.ts';
import type { LabLogin } from './lab-user.ts';
import { renderLabPogoConfig } from './pogo-config.ts';
import { runCommand } from './run-command.ts';
import { renderSshdConfig } from './sshd-config.ts';
import { checkSshdConfig, spawnSshd, stopSshd, waitUntilListening } from './sshd-process.ts';
import type { SshdChild } from './sshd-process.ts';

/** sshd's privilege-separation directory; sshd started as root refuses to run without it. */
const PRIVSEP_DIR = '/run/sshd';
const LISTEN_TIMEOUT_MS = 10_000;
const LOGIN_TIMEOUT_MS = 20_000;
/** Tries with a new kernel-chosen port when another program took the previous one first. */
const PORT_ATTEMPTS = 5;
const LOG_TAIL_CHARS = 2_000;

/**
 * Start a lab: keys, config files and a private sshd (never the system's, never port 22) on a free port
 * of 127.0.0.1; resolves once a real `ssh lab-0001 true` has logged in. Fails with LAB_START_FAILED
 * (and sshd's output) when sshd does not start or the login does not work, LAB_ALREADY_RUNNING when a
 * lab already runs in `dir`, USAGE for bad options. Not detached, sshd is a child of this process:
 * call `stop()` (sshd also gets TERM if this process dies first).
 */
export async function startLab(options: StartLabOptions): Promise<Lab> {
  const opts = compileStartLabOptions(options);
  const paths = labPaths(opts.dir);
  await prepareDir(paths);
  const login = await prepareLabLogin(opts.user);
  const hosts = labHostNames(opts.hosts);
  const [hostKey, clientKey] = await Promise.all([
    generateKeyPair(paths.hostKey, `pogo-lab-host@${paths.dir}`),
    generateKeyPair(paths.clientKey, `pogo-lab-client@${paths.dir}`),
  ]);
  await Promise.all([
    writeFile(paths.authorizedKeys, `${clientKey}\n`, { mode: 0o644 }),
    writeFile(paths.knownHosts, renderKnownHosts(hosts, hostKey)),
    writeFile(paths.hostsFile, renderHostsFile(hosts)),
    login.password === undefined
      ? rm(paths.password, { force: true })
      : writeSecret(paths.password, login.password),
    runningAsRoot() ? makeDirs(PRIVSEP_DIR).then(() => chmod(PRIVSEP_DIR, 0o755)) : undefined,
  ]);
  const { port, sshd } = await launchSshd(paths, hosts, login, opts);
  const stop = onceOnly(async () => {
    await stopSshd(sshd.pid);
    if (!opts.detached) await sshd.exited;
    await rm(paths.pidFile, { force: true });
  });
  try {
    await writeFile(paths.pidFile, `${sshd.pid}\n`);
    await verifyLogin(paths, hosts[0] ?? '');
  } catch (e: unknown) {
    await stop();
    throw e;
  }
  if (opts.detached) sshd.release();
  return {
    dir: paths.dir,
    port,
    hosts,
    user: login.user,
    keyFile: paths.clientKey,
    knownHosts: paths.knownHosts,
    sshConfig: paths.sshConfig,
    configFile: paths.configFile,
    hostsFile: paths.hostsFile,
    inventory: paths.inventory,
    ...(login.password === undefined ? {} : { passwordFile: paths.password }),
    pid: sshd.pid,
    stop,
  };
}

/** Create the directory (open to the login user, which reads authorized_keys) unless a lab runs there. */
async function prepareDir(paths: LabPaths): Promise<void> {
  const pid = await readLabPid(paths);
  if (pid !== undefined && isLabSshd(pid, paths)) {
    throw new PogoError('LAB_ALREADY_RUNNING', `a lab is already running in ${paths.dir} (sshd pid ${pid})`, {
      hint: `stop it first: pogo lab down --dir ${paths.dir}`,
    });
  }
  await makeDirs(paths.dir).catch((e: unknown) => {
    throw new PogoError('LAB_START_FAILED', `cannot create ${paths.dir}: ${(e as Error).message}`, {
      cause: e,
    });
  });
  await chmod(paths.dir, 0o755);
}

/**
 * `mkdir -p` one level at a time. Node 20's recursive mkdir never returns for a path under /proc
 * (it retries ENOENT forever), so it is not used.
 */
async function makeDirs(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) missing.unshift(d);
  for (const d of missing) {
    await mkdir(d).catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    });
  }
}

/** Write the port's files and start sshd; on a port taken in the meantime, try another. */
async function launchSshd(
  paths: LabPaths,
  hosts: readonly string[],
  login: LabLogin,
  opts: CompiledStartLabOptions,
): Promise<{ port: number; sshd: SshdChild }> {
  let flags: string[] | undefined;
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await findFreePort());
    await writePortFiles({ paths, hosts, port, user: login.user });
    if (flags === undefined) {
      const check = await checkSshdConfig(paths.sshdConfig);
      if (!check.ok) throw startFailed(`sshd -t failed on the lab's sshd_config: ${check.message}`, paths);
      flags = check.flags;
    }
    await rm(paths.sshdPidFile, { force: true });
    const sshd = spawnSshd(paths, flags, opts.detached);
    const state = await waitUntilListening(sshd, paths, port, LISTEN_TIMEOUT_MS);
    if (state === 'listening') return { port, sshd };
    await stopSshd(sshd.pid);
    const exit = await sshd.exited;
    const log = await logTail(paths);
    const collided = /address already in use/i.test(log);
    if (collided && opts.port === undefined && attempt < PORT_ATTEMPTS) continue;
    const why =
      exit.error?.message ??
      (state === 'timeout' ? `it did not listen within ${LISTEN_TIMEOUT_MS / 1000} s` : 'it exited');
    throw startFailed(`sshd did not start on 127.0.0.1:${port}: ${why}${log ? `:\n${log}` : ''}`, paths);
  }
}

/** The files that name the port: sshd_config, ssh_config, the inventory and pogo.yaml. */
async function writePortFiles(input: ClientFileInput): Promise<void> {
  const { paths, hosts, port } = input;
  await Promise.all([
    writeFile(paths.sshdConfig, renderSshdConfig(paths, port)),
    writeFile(paths.sshConfig, renderSshConfig(input)),
    writeFile(paths.inventory, renderInventory(input)),
    writeFile(paths.configFile, renderLabPogoConfig(hosts.length, paths.dir, port)),
  ]);
}

/** One real login through the lab's ssh_config, known_hosts and key, as every client will make it. */
async function verifyLogin(paths: LabPaths, host: string): Promise<void> {
  const args = ['-F', paths.sshConfig, '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', host, 'true'];
  const result = await runCommand('ssh', args, { timeoutMs: LOGIN_TIMEOUT_MS }).catch((e: unknown) => ({
    code: null,
    stdout: '',
    stderr: e instanceof Error ? e.message : String(e),
  }));
  if (result.code === 0) return;
  const log = await logTail(paths);
  throw startFailed(
    `sshd started, but ssh -F ${paths.sshConfig} ${host} true failed (exit ${result.code ?? 'by a signal'}): ${result.stderr.trim()}` +
      (log ? `\nsshd said:\n${log}` : ''),
    paths,
  );
}

function startFailed(message: string, paths: LabPaths): PogoError {
  return new PogoError('LAB_START_FAILED', message, {
    hint: `the lab's files are in ${paths.dir}; sshd's output is in ${paths.log}`,
  });
}

/** The end of DIR/sshd.log, trimmed. */
async function logTail(paths: LabPaths): Promise<string> {
  const text = await readFile(paths.log, 'utf8').catch(() => '');
  return text.slice(-LOG_TAIL_CHARS).trim();
}

/** `fn` run at most once; later calls get the first call's promise. */
function onceOnly(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
