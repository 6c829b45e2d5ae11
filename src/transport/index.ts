// How a command reaches a target: the transport contract and its implementations (ssh, openssh, local).
export type {
  ExecOptions,
  ExecResult,
  OutputChunk,
  OutputStream,
  Session,
  Target,
  Transport,
} from './types.ts';
export { createSshTransport, compileSshTransportOptions } from './ssh-transport.ts';
export type { CompiledSshTransportOptions, SshTransportOptions } from './ssh-transport.ts';
export { AUTH_METHODS } from './ssh-auth.ts';
export type { AuthMethodName } from './ssh-auth.ts';
export { createOpenSshTransport } from './openssh-transport.ts';
export type { OpenSshTransportOptions } from './openssh-transport.ts';
export type { OpenSshCommonOptions } from './openssh-args.ts';
export { createLocalTransport } from './local-transport.ts';
export type { LocalTransportOptions } from './local-transport.ts';
export { emptySshConfig, parseSshConfig, readSshConfig, SSH_CONFIG_DEFAULTS } from './ssh-config.ts';
export type { ResolvedTarget, SshConfig, SshConfigEnv, StrictHostKeyChecking } from './ssh-config.ts';
export { KnownHosts } from './known-hosts.ts';
export type { HostKeyCheck, HostKeyVerdict } from './known-hosts.ts';
export { fingerprint, knownHostsName, parseKnownHosts } from './known-hosts-file.ts';
export type { KnownHostEntry } from './known-hosts-file.ts';
export { createConnectRateLimiter } from './connect-rate.ts';
export type { ConnectRateLimiter, ConnectRateOptions } from './connect-rate.ts';
export { killGroupScript, shellQuote, wrapCommand } from './remote-command.ts';
export { PGID_MARKER_PRINTF, PGID_MARKER_PRINTF_PS, PgidMarkerFilter } from './pgid-marker.ts';
