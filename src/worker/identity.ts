// The worker's envelope identity: the private key of its certificate and that certificate's fingerprint.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { PogoError } from '../model/index.ts';
import type { WorkerIdentity } from './agent-options.ts';

/** Build the identity from PEM files' contents; WORKER_TLS when the key does not belong to the certificate. */
export function workerIdentity(certPem: Buffer | string, keyPem: Buffer | string): WorkerIdentity {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (e: unknown) {
    throw new PogoError('WORKER_TLS', 'the worker certificate is not a PEM X.509 certificate', { cause: e });
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(keyPem);
  } catch {
    // The cause is not kept: a key parser's error may quote the key.
    throw new PogoError('WORKER_TLS', 'the worker key is not a readable, unencrypted PEM private key');
  }
  if (!cert.checkPrivateKey(privateKey)) {
    throw new PogoError(
      'WORKER_TLS',
      `the worker key does not belong to its certificate (${cert.subject.replace(/\n/g, ', ')})`,
    );
  }
  return { privateKey, fingerprint: cert.fingerprint256 };
}
