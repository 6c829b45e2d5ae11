// A host's connection settings from its inventory (`ansible_host`, `_port`, `_user`) applied to the target a transport opens.
import type { HostConnect } from '../model/index.ts';
import type { Target } from '../transport/index.ts';

/**
 * `target` with the inventory's settings over it: the address becomes the target's host name to connect
 * to, and the port and user beat ssh_config and `--user`; the host keeps its name (`target.host`).
 */
export function withConnect(target: Target, connect: HostConnect | undefined): Target {
  if (!connect) return target;
  return {
    ...target,
    ...(connect.address !== undefined ? { hostname: connect.address } : {}),
    ...(connect.port !== undefined ? { port: connect.port } : {}),
    ...(connect.user !== undefined ? { user: connect.user } : {}),
  };
}
