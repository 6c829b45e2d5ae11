// Test certificates made with Pogo's own certificate code: a CA, a server certificate for 127.0.0.1, a worker certificate, and a stranger.
import { X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CertAuthority, IssueOptions } from '../../src/security/index.ts';
import { createCa, issueCertificate, loadCa, writeSecretFile } from '../../src/security/index.ts';

/** PEM material of one party. */
export interface KeyPair {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly certFile: string;
  readonly keyFile: string;
}

/** Everything the worker-link tests need. */
export interface TestCerts {
  readonly ca: Buffer;
  readonly caFile: string;
  /** Role server, for 127.0.0.1 (IP SAN) and localhost (DNS SAN), signed by `ca`. */
  readonly server: KeyPair;
  /** Role worker, CN=test-worker, signed by `ca`. */
  readonly worker: KeyPair;
  /** A second, unrelated CA and a worker certificate it signed (CN=stranger): must be rejected. */
  readonly otherCa: Buffer;
  readonly otherCaFile: string;
  readonly stranger: KeyPair;
}

/** A CA written as DIR/NAME.crt and DIR/NAME.key, loaded for signing. */
export async function makeTestCa(dir: string, name: string, cn: string): Promise<CertAuthority> {
  const pem = createCa({ name: cn, days: 2 });
  await writeFile(join(dir, `${name}.crt`), pem.certPem);
  await writeSecretFile(join(dir, `${name}.key`), pem.keyPem);
  return loadCa(pem.certPem, pem.keyPem);
}

/** Issue DIR/FILE.crt and DIR/FILE.key (2 days unless `options` says otherwise). */
export async function issueTestCert(
  dir: string,
  ca: CertAuthority,
  file: string,
  options: IssueOptions,
): Promise<KeyPair> {
  const pem = issueCertificate(ca, { days: 2, ...options });
  const certFile = join(dir, `${file}.crt`);
  const keyFile = join(dir, `${file}.key`);
  await writeFile(certFile, pem.certPem);
  await writeSecretFile(keyFile, pem.keyPem);
  return { cert: Buffer.from(pem.certPem), key: Buffer.from(pem.keyPem), certFile, keyFile };
}

/** Generate the certificates in `dir` (an existing, empty directory). ECDSA P-256: milliseconds. */
export async function makeTestCerts(dir: string): Promise<TestCerts> {
  const ca = await makeTestCa(dir, 'ca', 'Pogo Test CA');
  const other = await makeTestCa(dir, 'other-ca', 'Other Test CA');
  const server = await issueTestCert(dir, ca, 'server', {
    role: 'server',
    name: '127.0.0.1',
    sans: [{ kind: 'dns', value: 'localhost' }],
  });
  const worker = await issueTestCert(dir, ca, 'worker', { role: 'worker', name: 'test-worker' });
  const stranger = await issueTestCert(dir, other, 'stranger', { role: 'worker', name: 'stranger' });
  return {
    ca: Buffer.from(ca.certPem),
    caFile: join(dir, 'ca.crt'),
    server,
    worker,
    otherCa: Buffer.from(other.certPem),
    otherCaFile: join(dir, 'other-ca.crt'),
    stranger,
  };
}

/** A worker certificate and key in memory, from a throwaway CA (for envelopes and link certificates). */
export interface MemoryWorkerCert {
  readonly x509: X509Certificate;
  /** PEM of the certificate. */
  readonly pem: string;
  readonly keyPem: string;
  readonly fingerprint256: string;
}

/** Issue a worker certificate named `name` from a new in-memory CA; nothing is written. */
export function memoryWorkerCert(name: string): MemoryWorkerCert {
  const caPem = createCa({ name: `${name} test CA`, days: 2 });
  const ca = loadCa(caPem.certPem, caPem.keyPem);
  const pem = issueCertificate(ca, { role: 'worker', name, days: 2 });
  const x509 = new X509Certificate(pem.certPem);
  return { x509, pem: pem.certPem, keyPem: pem.keyPem, fingerprint256: x509.fingerprint256 };
}
