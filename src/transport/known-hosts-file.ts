// known_hosts lines: plain and hashed (`|1|salt|hash`) names, `[host]:port`, markers; which lines name a host.
import { createHash, createHmac } from 'node:crypto';
import { matchPatternList } from './host-pattern.ts';

/** One key line of a known_hosts file. */
export interface KnownHostEntry {
  readonly file: string;
  readonly line: number;
  /** `@revoked` lines never accept a key; `@cert-authority` lines are skipped (host certificates are not supported). */
  readonly marker: 'revoked' | undefined;
  /** The names field: comma-separated patterns, or one hashed name. */
  readonly names: string;
  readonly keyType: string;
  readonly key: Buffer;
}

/** The key lines of a known_hosts file (comments, blank, malformed and @cert-authority lines left out). */
export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return;
    let marker: 'revoked' | undefined;
    if (fields[0].startsWith('@')) {
      if (fields[0] !== '@revoked') return;
      marker = 'revoked';
      fields.shift();
    }
    const [names, keyType, base64] = fields;
    if (names === undefined || keyType === undefined || base64 === undefined) return;
    const key = Buffer.from(base64, 'base64');
    if (key.length === 0 || keyBlobType(key) !== keyType) return;
    entries.push({ file, line: index + 1, marker, names, keyType, key });
  });
  return entries;
}

/** True when the entry's names field names `name` (a host, `[host]:port` or HostKeyAlias). */
export function entryNames(entry: KnownHostEntry, name: string): boolean {
  if (entry.names.startsWith('|1|')) {
    const [, , salt, hash] = entry.names.split('|');
    if (salt === undefined || hash === undefined) return false;
    const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return digest === hash;
  }
  return matchPatternList(name, entry.names.split(','));
}

/** The name a host's key is filed under: the HostKeyAlias, else the host name, as `[name]:port` off port 22. */
export function knownHostsName(hostname: string, port: number | undefined, alias?: string): string {
  if (alias !== undefined) return alias;
  return port === undefined || port === 22 ? hostname : `[${hostname}]:${port}`;
}

/** The key type named inside an SSH public key blob (`ssh-ed25519`, …), or undefined if malformed. */
export function keyBlobType(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const len = blob.readUInt32BE(0);
  if (len === 0 || len > blob.length - 4 || len > 64) return undefined;
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** `SHA256:…` fingerprint of a key blob, as ssh-keygen prints it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The known_hosts line recording `key` under `name`. */
export function knownHostsLine(name: string, key: Buffer): string {
  return `${name} ${keyBlobType(key) ?? 'unknown'} ${key.toString('base64')}\n`;
}
