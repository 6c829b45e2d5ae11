// Trusted-proxy mode (SSO): a reverse proxy on a trusted address names the user in a header.
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { PogoError } from '../model/index.ts';

/** SSO behind a reverse proxy: requests from these networks may name their user in a header. */
export interface TrustedProxy {
  /** CIDRs (`10.0.0.0/8`, `::1/128`) or single addresses. */
  readonly networks: readonly string[];
  /** The header (case-insensitive), e.g. `X-Forwarded-User`. */
  readonly userHeader: string;
}

/** The user a request from a trusted address names in the header; the header from elsewhere is logged and ignored. */
export function compileProxy(proxy: TrustedProxy): {
  userOf: (request: FastifyRequest) => string | undefined;
} {
  const list = trustedNetworks(proxy.networks);
  const header = proxy.userHeader.toLowerCase();
  return {
    userOf: (request) => {
      const raw = request.headers[header];
      const name = typeof raw === 'string' ? raw.trim() : undefined;
      if (name === undefined || name === '') return undefined;
      const address = request.socket.remoteAddress ?? '';
      if (isTrusted(list, address)) return name;
      request.log.warn(
        { remoteAddress: address, header: proxy.userHeader },
        'ignored the user header: not from a trusted proxy',
      );
      return undefined;
    },
  };
}

/** A BlockList of `networks` (each checked by {@link parseNetwork}). */
export function trustedNetworks(networks: readonly string[]): BlockList {
  const list = new BlockList();
  for (const n of networks) {
    const { address, prefix, family } = parseNetwork(n);
    list.addSubnet(address, prefix, family);
  }
  return list;
}

/** `10.0.0.0/8`, `::1`, … as address, prefix and family; USAGE for anything else. */
export function parseNetwork(text: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } {
  const [address = '', bits, ...rest] = text.trim().split('/');
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
  const max = family === 'ipv4' ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits);
  if (!family || rest.length > 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > max || bits === '') {
    throw new PogoError(
      'USAGE',
      `--trusted-proxy: "${text}" is not an address or CIDR (10.0.0.0/8, ::1/128)`,
    );
  }
  return { address, prefix, family };
}

function isTrusted(list: BlockList, address: string): boolean {
  if (isIPv4(address)) return list.check(address, 'ipv4');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped !== undefined && list.check(mapped, 'ipv4')) return true;
  return isIPv6(address) && list.check(address, 'ipv6');
}
