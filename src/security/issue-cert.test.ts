// Certificates made by createCa/issueCertificate: Node and openssl read them, certificateProblem accepts them, TLS 1.3 works.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { createCa, loadCa } from './ca.ts';
import { certificateProblem, certificateRole } from './cert-check.ts';
import { issueCertificate } from './issue-cert.ts';
import { parseSanList } from './san.ts';

const caPem = createCa({ name: 'Issue Test CA' });
const ca = loadCa(caPem.certPem, caPem.keyPem);
const server = issueCertificate(ca, { role: 'server', name: '127.0.0.1', sans: parseSanList(['localhost']) });
const worker = issueCertificate(ca, { role: 'worker', name: 'w1.example.com' });
const dir = mkdtempSync(join(tmpdir(), 'pogo-issue-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('createCa', () => {
  it('makes a self-signed CA valid for 3650 days from 5 minutes ago', () => {
    const cert = new X509Certificate(caPem.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toBe('CN=Issue Test CA');
    expect(cert.verify(cert.publicKey)).toBe(true);
    const from = Date.parse(cert.validFrom);
    expect(Date.now() - from).toBeGreaterThan(4 * 60_000);
    expect(Date.now() - from).toBeLessThan(6 * 60_000);
    expect(Math.round((Date.parse(cert.validTo) - from) / 86_400_000)).toBe(3650);
  });

  it('refuses a key that is not the certificate’s, naming CERT_INVALID', () => {
    const other = createCa();
    expect(() => loadCa(caPem.certPem, other.keyPem)).toThrow(
      expect.objectContaining({ code: 'CERT_INVALID' }) as Error,
    );
  });
});

describe('issueCertificate', () => {
  it('issues a server certificate with its role, IP and DNS names, passing certificateProblem', () => {
    const cert = new X509Certificate(server.certPem);
    expect(cert.subjectAltName).toBe('URI:urn:pogo:role:server, IP Address:127.0.0.1, DNS:localhost');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(cert.ca).toBe(false);
    expect(certificateRole(cert)).toBe('server');
    expect(certificateProblem(cert, { ca: ca.cert, role: 'server' })).toBeUndefined();
    expect(certificateProblem(cert, { ca: ca.cert, role: 'worker' })).toMatch(/role server, worker needed/);
    expect(cert.checkPrivateKey(ca.privateKey)).toBe(false);
    expect(/^[4-7]/.test(cert.serialNumber) && cert.serialNumber.length === 32).toBe(true);
  });

  it('issues a worker certificate for clientAuth with a 397-day default', () => {
    const cert = new X509Certificate(worker.certPem);
    expect(cert.subjectAltName).toBe('URI:urn:pogo:role:worker, DNS:w1.example.com');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(certificateProblem(cert, { ca: ca.cert, role: 'worker' })).toBeUndefined();
    const days = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000;
    expect(Math.round(days)).toBe(397);
  });

  it('honours an explicit validity window (an expired certificate)', () => {
    const old = issueCertificate(ca, {
      role: 'worker',
      name: 'old',
      validity: {
        notBefore: new Date(Date.now() - 3 * 86_400_000),
        notAfter: new Date(Date.now() - 86_400_000),
      },
    });
    const cert = new X509Certificate(old.certPem);
    expect(certificateProblem(cert, { ca: ca.cert, role: 'worker' })).toMatch(/expired/);
  });

  it('refuses --days outside 1..3650 and a name that is no DNS name', () => {
    expect(() => issueCertificate(ca, { role: 'worker', name: 'w', days: 0 })).toThrow(/from 1 to 3650/);
    expect(() => issueCertificate(ca, { role: 'worker', name: 'w', days: 3651 })).toThrow(/from 1 to 3650/);
    expect(() => issueCertificate(ca, { role: 'worker', name: 'not a name' })).toThrow(/not a DNS name/);
  });

  it('makes certificates openssl accepts and verifies against the CA', () => {
    const files = { ca: caPem.certPem, server: server.certPem, worker: worker.certPem };
    for (const [name, pem] of Object.entries(files)) writeFileSync(join(dir, `${name}.crt`), pem);
    const text = execFileSync('openssl', ['x509', '-noout', '-text', '-in', join(dir, 'server.crt')], {
      encoding: 'utf8',
    });
    expect(text).toMatch(/CA:FALSE/);
    expect(text).toMatch(/Digital Signature, Key Agreement/);
    expect(text).toMatch(/TLS Web Server Authentication/);
    expect(text).toMatch(/X509v3 Authority Key Identifier/);
    const caText = execFileSync('openssl', ['x509', '-noout', '-text', '-in', join(dir, 'ca.crt')], {
      encoding: 'utf8',
    });
    expect(caText).toMatch(/CA:TRUE, pathlen:0/);
    expect(caText).toMatch(/Certificate Sign, CRL Sign/);
    const verified = execFileSync(
      'openssl',
      ['verify', '-CAfile', join(dir, 'ca.crt'), join(dir, 'server.crt'), join(dir, 'worker.crt')],
      { encoding: 'utf8' },
    );
    expect(verified).toMatch(/server\.crt: OK[\s\S]*worker\.crt: OK/);
  });

  it('works for mutual TLS 1.3 with Node’s tls', async () => {
    const srv = createServer({
      ca: caPem.certPem,
      cert: server.certPem,
      key: server.keyPem,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.3',
    });
    const peers: string[] = [];
    srv.on('secureConnection', (s: TLSSocket) => {
      peers.push(s.getPeerX509Certificate()?.subject ?? 'none');
      s.end('hi');
    });
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    const address = srv.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const got = await new Promise<{ protocol: string | null; data: string }>((resolve, reject) => {
        const c = connect({
          host: '127.0.0.1',
          port,
          ca: caPem.certPem,
          cert: worker.certPem,
          key: worker.keyPem,
          minVersion: 'TLSv1.3',
        });
        let data = '';
        c.on('data', (d: Buffer) => (data += d.toString()));
        c.on('error', reject);
        c.on('end', () => resolve({ protocol: c.getProtocol(), data }));
      });
      expect(got).toEqual({ protocol: 'TLSv1.3', data: 'hi' });
      expect(peers).toEqual(['CN=w1.example.com']);
    } finally {
      await new Promise<void>((resolve) => srv.close(() => resolve()));
    }
  });
});
