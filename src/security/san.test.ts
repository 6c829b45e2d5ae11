// --san values: DNS:/IP: prefixes, bare values guessed, comma lists, bad values refused.
import { describe, expect, it } from 'vitest';
import { formatSan, parseSan, parseSanList } from './san.ts';

describe('parseSan', () => {
  it('reads prefixed and bare entries', () => {
    expect(parseSan('DNS:pogo1.example.com')).toEqual({ kind: 'dns', value: 'pogo1.example.com' });
    expect(parseSan('ip:10.0.0.5')).toEqual({ kind: 'ip', value: '10.0.0.5' });
    expect(parseSan('10.0.0.6')).toEqual({ kind: 'ip', value: '10.0.0.6' });
    expect(parseSan('[::1]')).toEqual({ kind: 'ip', value: '::1' });
    expect(parseSan('Pogo1')).toEqual({ kind: 'dns', value: 'pogo1' });
  });

  it('refuses what is neither', () => {
    expect(() => parseSan('IP:pogo1')).toThrow(/not an IPv4 or IPv6 address/);
    expect(() => parseSan('a b')).toThrow(/not a DNS name/);
    expect(() => parseSan('URI:x')).toThrow(expect.objectContaining({ code: 'CERT_INVALID' }) as Error);
  });
});

describe('parseSanList', () => {
  it('splits commas, drops duplicates and empty parts', () => {
    const list = parseSanList(['a.example,IP:10.0.0.1', 'a.example', ' b ,']);
    expect(list.map(formatSan)).toEqual(['DNS:a.example', 'IP:10.0.0.1', 'DNS:b']);
  });
});
