// Why a connection failed, as a PogoError: unreachable (DNS, refused, timeout, reset), auth, aborted.
import { PogoError } from '../model/errors.ts';

/** Who was being reached, for the messages. */
export interface ConnectWhere {
  readonly host: string;
  /** `hostname:port` actually dialled. */
  readonly address: string;
  readonly user: string;
  readonly timeoutMs: number;
}

const SOCKET_CAUSES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network unreachable',
  EHOSTDOWN: 'host is down',
  EADDRNOTAVAIL: 'address not available',
};

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);

/** SSH_UNREACHABLE with the cause in the message. */
export function unreachable(cause: string, where: ConnectWhere, error?: unknown): PogoError {
  return new PogoError('SSH_UNREACHABLE', `${cause} (${where.address})`, {
    cause: error,
    hint: `check that ${where.host} is up and sshd listens on ${where.address}`,
  });
}

/** Map an ssh2 or socket error met while connecting to SSH_UNREACHABLE or SSH_AUTH_FAILED. */
export function connectError(error: unknown, where: ConnectWhere, tried: readonly string[]): PogoError {
  if (error instanceof PogoError) return error;
  const e = error as Partial<NodeJS.ErrnoException> & { level?: string; message?: string };
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (e.level === 'client-authentication') {
    const methods = tried.length > 0 ? tried.join(', ') : 'no method available';
    return new PogoError(
      'SSH_AUTH_FAILED',
      `authentication failed for ${where.user}@${where.host} (tried ${methods})`,
      {
        cause: error,
        hint: 'check the user, the key files (IdentityFile, -i), the agent (SSH_AUTH_SOCK) or give a password',
      },
    );
  }
  if (e.level === 'client-timeout') {
    return unreachable('key exchange and login did not finish in time', where, error);
  }
  if (code !== undefined && DNS_CODES.has(code)) {
    return unreachable(`cannot resolve ${where.address.replace(/:\d+$/, '')}`, where, error);
  }
  if (code !== undefined && code in SOCKET_CAUSES) {
    return unreachable(SOCKET_CAUSES[code] as string, where, error);
  }
  const detail = e.message ?? String(error);
  return unreachable(e.level === 'client-socket' ? detail : `ssh handshake failed: ${detail}`, where, error);
}

/** The caller's signal fired while connecting. */
export function abortedError(where: ConnectWhere): PogoError {
  return new PogoError('TRANSPORT_ABORTED', `connecting to ${where.host} was aborted`);
}
