// The link's certificate rules: own-certificate checks at start, the worker's server check, refusal reasons people can read.
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCa, issueCertificate, loadCa } from '../security/index.ts';
import { checkOwnCertificate, serverIdentityCheck, tlsRefusalReason } from './link-certs.ts';

const caPem = createCa({ name: 'Link CA' });
const ca = loadCa(caPem.certPem, caPem.keyPem);
const server = issueCertificate(ca, { role: 'server', name: 'pogo1.example.com' });
const worker = issueCertificate(ca, { role: 'worker', name: 'pogo1.example.com' });
const material = (pem: { certPem: string; keyPem: string }) => ({
  ca: Buffer.from(caPem.certPem),
  cert: Buffer.from(pem.certPem),
  key: Buffer.from(pem.keyPem),
});

describe('checkOwnCertificate', () => {
  it('accepts the right role and returns the CA', () => {
    expect(checkOwnCertificate(material(server), 'server').subject).toBe('CN=Link CA');
  });

  it('refuses the wrong role and an expired certificate with WORKER_TLS', () => {
    expect(() => checkOwnCertificate(material(server), 'worker')).toThrow(
      expect.objectContaining({
        code: 'WORKER_TLS',
        message: "this worker's own certificate CN=pogo1.example.com has role server, worker needed",
      }) as Error,
    );
    const later = Date.now() + 400 * 86_400_000;
    expect(() => checkOwnCertificate(material(worker), 'worker', later)).toThrow(/expired on/);
  });
});

describe('serverIdentityCheck', () => {
  const check = serverIdentityCheck(ca.cert);
  const legacy = (pem: string) => new X509Certificate(pem).toLegacyObject();

  it('passes a server certificate for the name dialled', () => {
    expect(check('pogo1.example.com', legacy(server.certPem))).toBeUndefined();
  });

  it('refuses another name (Node’s check) and the wrong role (ours)', () => {
    expect(check('pogo2.example.com', legacy(server.certPem))?.message).toMatch(/does not match/);
    expect(check('pogo1.example.com', legacy(worker.certPem))?.message).toBe(
      'refusing the server: certificate CN=pogo1.example.com has role worker, server needed',
    );
  });
});

describe('tlsRefusalReason', () => {
  const coded = (code: string, message = 'x'): Error => Object.assign(new Error(message), { code });

  it('prefers the verification result, then the TLS error code', () => {
    expect(tlsRefusalReason(coded('ECONNRESET'), 'CERT_HAS_EXPIRED')).toBe('certificate expired');
    expect(tlsRefusalReason(coded('ECONNRESET'), 'UNABLE_TO_VERIFY_LEAF_SIGNATURE')).toMatch(/unknown CA/);
    expect(tlsRefusalReason(coded('ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE'))).toBe(
      'no client certificate',
    );
    expect(tlsRefusalReason(coded('ERR_SSL_HTTP_REQUEST'))).toMatch(/plain HTTP/);
    expect(tlsRefusalReason(coded('ERR_SSL_UNSUPPORTED_PROTOCOL'))).toMatch(/TLS 1\.3 is required/);
    expect(tlsRefusalReason(coded('ESOMETHING', 'odd'))).toBe('ESOMETHING: odd');
    expect(tlsRefusalReason(coded('ECONNRESET'))).toMatch(/closed the connection during the TLS handshake/);
  });
});
