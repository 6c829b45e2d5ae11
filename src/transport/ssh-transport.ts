// The `ssh` transport: ssh2 in-process, ssh_config honoured, known_hosts strict, connection rate limited, ProxyJump.
import { setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'ssh2';
import { PogoError } from '../model/errors.ts';
import { createConnectRateLimiter } from './connect-rate.ts';
import { KnownHosts } from './known-hosts.ts';
import { AUTH_METHODS, IdentityCache } from './ssh-auth.ts';
import type { AuthMethodName } from './ssh-auth.ts';
import { emptySshConfig, readSshConfig } from './ssh-config.ts';
import type { SshConfig, StrictHostKeyChecking } from './ssh-config.ts';
import { connectHop, forwardTo } from './ssh-connect.ts';
import type { ConnectDeps, Endpoint } from './ssh-connect.ts';
import { SshSession } from './ssh-session.ts';
import type { Target, Transport } from './types.ts';

/** Options of the ssh transport (all optional). Explicit Target fields beat these, which beat ssh_config. */
export interface SshTransportOptions {
  /** A parsed config, a path to read, or `false` for none. Default: ~/.ssh/config when it exists. */
  readonly sshConfig?: SshConfig | string | false;
  /** New connections per second at most (default 50); jump-host connections count too. */
  readonly connectRate?: number;
  /** Connections that may start back to back after a quiet spell (default 1). */
  readonly connectBurst?: number;
  /** Host-key policy for every host (default: ssh_config's StrictHostKeyChecking, else `yes`). */
  readonly strictHostKeyChecking?: StrictHostKeyChecking;
  readonly knownHostsFiles?: readonly string[];
  readonly connectTimeoutMs?: number;
  readonly keepaliveMs?: number;
  /** Login user unless the target names one (like `ssh -l`; default: ssh_config's User, else the local user). */
  readonly user?: string;
  /** Key files tried before ssh_config's IdentityFile entries (like `ssh -i`). */
  readonly identityFiles?: readonly string[];
  /** Methods allowed, in order (default all: publickey, agent, password). */
  readonly auth?: readonly AuthMethodName[];
  /** ssh-agent socket (default SSH_AUTH_SOCK); `false` never uses an agent. */
  readonly agentSocket?: string | false;
  /** Between TERM and KILL when a command is stopped (default 2 s). */
  readonly killGraceMs?: number;
  /** Called as each new connection starts (after its rate-limit slot), e.g. to record connection times. */
  readonly onConnecting?: (host: string) => void;
}

/** The ssh transport's options after defaults. */
export interface CompiledSshTransportOptions {
  readonly sshConfig: SshConfig | string | false;
  readonly connectRate: number;
  readonly connectBurst: number;
  readonly auth: readonly AuthMethodName[];
  readonly agentSocket: string | undefined;
  readonly killGraceMs: number;
}

const DEFAULTS = {
  connectRate: 50,
  connectBurst: 1,
  killGraceMs: 2000,
} as const satisfies Partial<CompiledSshTransportOptions>;

/** Fill in defaults and check the numbers. */
export function compileSshTransportOptions(
  options: SshTransportOptions,
): Readonly<CompiledSshTransportOptions> {
  const userConfig = join(homedir(), '.ssh', 'config');
  const compiled = {
    sshConfig: options.sshConfig ?? (existsSync(userConfig) ? userConfig : false),
    connectRate: options.connectRate ?? DEFAULTS.connectRate,
    connectBurst: options.connectBurst ?? DEFAULTS.connectBurst,
    auth: options.auth ?? AUTH_METHODS,
    agentSocket:
      options.agentSocket === false ? undefined : (options.agentSocket ?? process.env.SSH_AUTH_SOCK),
    killGraceMs: options.killGraceMs ?? DEFAULTS.killGraceMs,
  };
  if (!(compiled.connectRate > 0)) throw new PogoError('USAGE', 'connectRate must be above 0');
  if (!(compiled.connectBurst >= 1)) throw new PogoError('USAGE', 'connectBurst must be at least 1');
  return compiled;
}

/** The `ssh` transport: one ssh2 connection per session (plus one per jump host). */
export function createSshTransport(options: SshTransportOptions = {}): Transport {
  const compiled = compileSshTransportOptions(options);
  const shutdown = new AbortController();
  // Every connection in progress listens to it (a worker opens hundreds at once): not a leak.
  setMaxListeners(0, shutdown.signal);
  const sessions = new Set<SshSession>();
  let config: Promise<SshConfig> | undefined;
  const loadConfig = (): Promise<SshConfig> => {
    const source = compiled.sshConfig;
    config ??=
      source === false
        ? Promise.resolve(emptySshConfig())
        : typeof source === 'string'
          ? readSshConfig(source)
          : Promise.resolve(source);
    return config;
  };
  const deps: ConnectDeps = {
    knownHosts: new KnownHosts(),
    limiter: createConnectRateLimiter({ perSecond: compiled.connectRate, burst: compiled.connectBurst }),
    identities: new IdentityCache(),
    agent: compiled.agentSocket,
    auth: compiled.auth,
    onConnecting: options.onConnecting,
  };
  const localUser = userInfo().username;

  /** ssh_config, overridden by the transport's options, overridden by the target's own fields. */
  const endpoint = (cfg: SshConfig, target: Target, jump = false): Endpoint => {
    const r = cfg.resolveTarget(target.host);
    const defined = Object.fromEntries(Object.entries(target).filter(([, v]) => v !== undefined)) as Target;
    const identityFiles = [...(options.identityFiles ?? []), ...(r.identityFiles ?? [])];
    return {
      ...r,
      ...(identityFiles.length > 0 ? { identityFiles } : {}),
      ...(options.knownHostsFiles ? { knownHostsFiles: options.knownHostsFiles } : {}),
      strictHostKeyChecking: options.strictHostKeyChecking ?? r.strictHostKeyChecking,
      connectTimeoutMs: options.connectTimeoutMs ?? r.connectTimeoutMs,
      keepaliveMs: options.keepaliveMs ?? r.keepaliveMs,
      ...defined,
      hostname: defined.hostname ?? r.hostname ?? target.host,
      port: defined.port ?? r.port ?? 22,
      // Like `ssh -l`, the user option is for the destination, not for jump hosts.
      user: defined.user ?? (jump ? undefined : options.user) ?? r.user ?? localUser,
    };
  };

  return {
    name: 'ssh',
    async open(target, openOptions = {}) {
      if (shutdown.signal.aborted) throw new PogoError('TRANSPORT_CLOSED', 'the ssh transport is closed');
      const signal = openOptions.signal
        ? AbortSignal.any([openOptions.signal, shutdown.signal])
        : shutdown.signal;
      const cfg = await loadConfig();
      const final = endpoint(cfg, target);
      const jumps = (final.jump ?? '')
        .split(',')
        .filter((j) => j !== '')
        .map((j) => endpoint(cfg, parseJump(j), true));
      const chain = [...jumps, final];
      const hops: Client[] = [];
      try {
        for (const [i, hop] of chain.entries()) {
          const previous = hops.at(-1);
          const sock = previous ? await forwardTo(previous, hop, chain[i - 1]?.host ?? '') : undefined;
          const last = i === chain.length - 1;
          const client = await connectHop(hop, deps, {
            signal,
            sock,
            password: openOptions.password,
            privateKey: openOptions.privateKey,
          }).catch((e: unknown) => {
            throw last ? e : viaJump(e, hop.host);
          });
          hops.push(client);
        }
      } catch (e: unknown) {
        for (const hop of hops.reverse()) hop.end();
        throw e;
      }
      const client = hops.pop() as Client;
      const session: SshSession = new SshSession(final.host, client, hops, compiled.killGraceMs, () =>
        sessions.delete(session),
      );
      sessions.add(session);
      return session;
    },
    close() {
      shutdown.abort();
      for (const s of sessions) s.close();
      return Promise.resolve();
    },
  };
}

/** `[user@]host[:port]` of a ProxyJump entry. */
function parseJump(spec: string): Target {
  const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(spec.trim());
  if (!m) throw new PogoError('SSH_CONFIG_INVALID', `ProxyJump entry "${spec}" is not [user@]host[:port]`);
  const host = (m[2] ?? '').replace(/^\[|\]$/g, '');
  return { host, user: m[1], port: m[3] === undefined ? undefined : Number(m[3]) };
}

function viaJump(e: unknown, jump: string): unknown {
  if (!(e instanceof PogoError)) return e;
  return new PogoError(e.code, `jump host ${jump}: ${e.message}`, { cause: e, hint: e.hint });
}
