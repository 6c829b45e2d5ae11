// Opens one authenticated ssh2 connection (over TCP or a jump host's forwarded channel), host key checked.
import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import ssh2, { Client } from 'ssh2';
import type { Algorithms, HostVerifier, ParsedKey, ServerHostKeyAlgorithm } from 'ssh2';
import { PogoError } from '../model/index.ts';
import { abortedError, connectError, unreachable } from './connect-errors.ts';
import type { ConnectWhere } from './connect-errors.ts';
import type { ConnectRateLimiter } from './connect-rate.ts';
import { knownHostsName } from './known-hosts-file.ts';
import type { KnownHosts } from './known-hosts.ts';
import { createAuthHandler, defaultIdentityFiles } from './ssh-auth.ts';
import type { AuthMethodName, IdentityCache } from './ssh-auth.ts';
import type { ResolvedTarget } from './ssh-config.ts';

/** Key exchange and authentication must finish within this (sshd's own LoginGraceTime default is 120 s). */
export const LOGIN_TIMEOUT_MS = 120_000;

/** A target with everything needed to dial it. */
export interface Endpoint extends ResolvedTarget {
  readonly hostname: string;
  readonly port: number;
  readonly user: string;
}

/** What every connection of a transport shares. */
export interface ConnectDeps {
  readonly knownHosts: KnownHosts;
  readonly limiter: ConnectRateLimiter;
  readonly identities: IdentityCache;
  readonly agent: string | undefined;
  readonly auth: readonly AuthMethodName[];
  readonly onConnecting?: ((host: string) => void) | undefined;
}

export interface HopOptions {
  readonly password?: string | undefined;
  /** The operator's key (text), tried before the key files. */
  readonly privateKey?: string | undefined;
  readonly signal?: AbortSignal | undefined;
  /** A forwarded channel through a jump host; a new TCP connection when absent. */
  readonly sock?: Duplex | undefined;
}

/** ssh2's host-key algorithms for each known_hosts key type. */
const ALGORITHMS_FOR_KEY_TYPE: Readonly<Record<string, readonly ServerHostKeyAlgorithm[]>> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/** Where a connection goes, for error messages. */
export function whereOf(t: Endpoint): ConnectWhere {
  return { host: t.host, address: `${t.hostname}:${t.port}`, user: t.user, timeoutMs: t.connectTimeoutMs };
}

/**
 * Connect and authenticate to `t`. Waits for a slot of the connection rate first. The host key is
 * checked against known_hosts (and the algorithms of the keys on record are preferred, as OpenSSH does).
 */
export async function connectHop(t: Endpoint, deps: ConnectDeps, options: HopOptions): Promise<Client> {
  const where = whereOf(t);
  const { signal } = options;
  try {
    await deps.limiter.acquire(signal);
  } catch {
    throw abortedError(where);
  }
  deps.onConnecting?.(t.host);
  const check = {
    name: knownHostsName(t.hostname, t.port, t.hostKeyAlias),
    files: t.knownHostsFiles,
    policy: t.strictHostKeyChecking,
  };
  const knownTypes = check.policy === 'no' ? [] : await deps.knownHosts.keyTypes(check.name, check.files);
  const prefer = knownTypes.flatMap((type) => ALGORITHMS_FOR_KEY_TYPE[type] ?? []);
  const algorithms: Algorithms | undefined =
    prefer.length > 0 ? { serverHostKey: { prepend: prefer, append: [], remove: [] } } : undefined;
  const keys = deps.auth.includes('publickey')
    ? [
        ...operatorKeys(options.privateKey),
        ...(await deps.identities.load(t.identityFiles ?? defaultIdentityFiles())),
      ]
    : [];
  const auth = createAuthHandler({
    user: t.user,
    keys,
    agent: deps.auth.includes('agent') && !t.identitiesOnly ? deps.agent : undefined,
    password: deps.auth.includes('password') ? options.password : undefined,
  });
  let hostKeyError: unknown;
  const hostVerifier: HostVerifier = (key, verify) => {
    deps.knownHosts.verify(check, key).then(
      () => verify(true),
      (e: unknown) => {
        hostKeyError = e;
        verify(false);
      },
    );
  };
  const client = new Client();
  return new Promise<Client>((resolve, reject) => {
    let settled = false;
    const settle = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(bannerTimer);
      signal?.removeEventListener('abort', onAbort);
      client.off('ready', onReady).off('close', onClose);
      if (error === undefined) {
        resolve(client);
      } else {
        client.destroy();
        reject(error);
      }
    };
    const onReady = (): void => settle();
    const onClose = (): void =>
      settle(
        hostKeyError instanceof Error ? hostKeyError : unreachable('connection closed by the server', where),
      );
    const onAbort = (): void => settle(abortedError(where));
    // Stays for the connection's life: later errors (keepalive) surface as 'close' to the session.
    client.on('error', (e) => settle(connectError(hostKeyError ?? e, where, auth.tried())));
    client.once('ready', onReady).once('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
    // ConnectTimeout covers the TCP connection and the server's first bytes (its banner). Key exchange and
    // login get their own, longer limit: a busy sshd (MaxStartups, CPU) is slow, not unreachable.
    const sock = options.sock ?? netConnect({ host: t.hostname, port: t.port, noDelay: true });
    const bannerTimer =
      options.sock === undefined
        ? setTimeout(
            () => settle(unreachable(`connection timed out after ${t.connectTimeoutMs} ms`, where)),
            t.connectTimeoutMs,
          )
        : undefined;
    const stopBannerTimer = (): void => clearTimeout(bannerTimer);
    client.connect({
      sock,
      username: t.user,
      readyTimeout: Math.max(t.connectTimeoutMs, LOGIN_TIMEOUT_MS),
      keepaliveInterval: t.keepaliveMs,
      keepaliveCountMax: 3,
      hostVerifier,
      authHandler: auth.handler,
      ...(algorithms ? { algorithms } : {}),
    });
    // Attached after connect() so ssh2's own reader is first in line for the banner.
    sock.once('data', stopBannerTimer).once('close', stopBannerTimer);
    if (options.sock === undefined) client.setNoDelay(true);
  });
}

/** A channel from `via` to `t`'s address (ProxyJump's `direct-tcpip`). */
export function forwardTo(via: Client, t: Endpoint, jumpName: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    via.forwardOut('127.0.0.1', 0, t.hostname, t.port, (err, stream) => {
      if (err) reject(unreachable(`jump host ${jumpName} cannot reach it: ${err.message}`, whereOf(t), err));
      else resolve(stream);
    });
  });
}

/** The operator's key given with the job, parsed in memory (an encrypted or malformed key is SSH_AUTH_FAILED). */
function operatorKeys(text: string | undefined): ParsedKey[] {
  if (text === undefined) return [];
  const parsed = ssh2.utils.parseKey(text);
  const keys = Array.isArray(parsed) ? parsed : [parsed];
  if (keys.some((k) => k instanceof Error)) {
    // The parser's message is not used: it could quote the key.
    throw new PogoError(
      'SSH_AUTH_FAILED',
      'the SSH key given with the job cannot be read (encrypted or not a private key)',
      {
        hint: 'give an unencrypted private key to --ssh-key, or decrypt a copy: ssh-keygen -p -N "" -f COPY',
      },
    );
  }
  return keys as ParsedKey[];
}
