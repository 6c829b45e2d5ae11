// describePem: what a certificate says, expiry in days, and keys described without their material.
import { describe, expect, it } from 'vitest';
import { createCa, loadCa } from './ca.ts';
import { describePem } from './describe-cert.ts';
import { issueCertificate } from './issue-cert.ts';

const caPem = createCa({ name: 'Describe CA' });
const ca = loadCa(caPem.certPem, caPem.keyPem);

describe('describePem', () => {
  it('describes a worker certificate', () => {
    const pair = issueCertificate(ca, { role: 'worker', name: 'w7', days: 30 });
    const d = describePem(pair.certPem, 'w7.crt');
    expect(d).toMatchObject({
      kind: 'certificate',
      subject: 'CN=w7',
      issuer: 'CN=Describe CA',
      role: 'worker',
      sans: ['URI:urn:pogo:role:worker', 'DNS:w7'],
      daysLeft: 29,
      expired: false,
      keyType: 'EC prime256v1',
    });
    expect(d.kind === 'certificate' && /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/.test(d.fingerprint256)).toBe(true);
  });

  it('says a CA is a CA and an old certificate expired', () => {
    expect(describePem(caPem.certPem, 'ca.crt')).toMatchObject({ role: 'ca' });
    const pair = issueCertificate(ca, { role: 'server', name: '10.1.2.3', days: 1 });
    expect(describePem(pair.certPem, 's.crt', Date.now() + 2 * 86_400_000)).toMatchObject({
      expired: true,
      sans: ['URI:urn:pogo:role:server', 'IP:10.1.2.3'],
    });
  });

  it('describes a key by its type only', () => {
    expect(describePem(caPem.keyPem, 'ca.key')).toEqual({ kind: 'private-key', keyType: 'EC prime256v1' });
  });

  it('refuses other text as CERT_INVALID', () => {
    expect(() => describePem('hello', 'x.txt')).toThrow(/x\.txt: not a PEM certificate or private key/);
    expect(() => describePem('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', 'k')).toThrow(
      /not a usable private key/,
    );
  });
});
