// subjectAltName entries from the command line: `DNS:name`, `IP:address`, or a bare value whose kind is guessed.
import { isIP } from 'node:net';
import { PogoError } from '../model/index.ts';

/** One DNS or IP subjectAltName. */
export interface SanEntry {
  readonly kind: 'dns' | 'ip';
  readonly value: string;
}

const DNS_NAME =
  /^(?=.{1,253}$)(\*\.)?[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/i;

/** `DNS:x`, `IP:x`, or bare `x` (an IP address when it parses as one, else a DNS name). Throws CERT_INVALID. */
export function parseSan(text: string): SanEntry {
  const trimmed = text.trim();
  const m = /^(dns|ip):(.*)$/i.exec(trimmed);
  const kind = m?.[1]?.toLowerCase() ?? (isIP(unbracket(trimmed)) ? 'ip' : 'dns');
  const value = unbracket((m?.[2] ?? trimmed).trim());
  if (kind === 'ip') {
    if (isIP(value) === 0) throw invalid(text, 'is not an IPv4 or IPv6 address');
    return { kind: 'ip', value };
  }
  if (!DNS_NAME.test(value)) throw invalid(text, 'is not a DNS name');
  return { kind: 'dns', value: value.toLowerCase() };
}

/** Every entry of repeated and comma-separated `--san` values, without duplicates, in order. */
export function parseSanList(values: readonly string[]): SanEntry[] {
  const out: SanEntry[] = [];
  for (const part of values.flatMap((v) => v.split(','))) {
    if (part.trim() === '') continue;
    const entry = parseSan(part);
    if (!out.some((e) => e.kind === entry.kind && e.value === entry.value)) out.push(entry);
  }
  return out;
}

/** `DNS:name` / `IP:address`, as openssl and Node print them. */
export function formatSan(entry: SanEntry): string {
  return `${entry.kind === 'ip' ? 'IP' : 'DNS'}:${entry.value}`;
}

function unbracket(value: string): string {
  return value.replace(/^\[(.*)\]$/, '$1');
}

function invalid(text: string, why: string): PogoError {
  return new PogoError('CERT_INVALID', `subjectAltName "${text}" ${why}`, {
    hint: 'write DNS:host.example.com, IP:10.0.0.5, or a bare name or address',
  });
}
