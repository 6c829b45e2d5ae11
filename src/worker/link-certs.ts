// Certificate rules of the worker link: each end checks its own certificate at start and the peer's role after the handshake.
import { X509Certificate } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import { checkServerIdentity } from 'node:tls';
import { PogoError } from '../model/index.ts';
import type { CertRole } from '../security/index.ts';
import { certificateProblem, certificateRole, subjectName } from '../security/index.ts';

/** PEM of one end: the CA its peer must chain to, its own certificate and key. */
export interface LinkTlsMaterial {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

/**
 * Parse the CA and this end's own certificate, and check the certificate is of `role` and valid now
 * (whether it chains to the CA is the peer's check). Returns the parsed CA, for checking the peer.
 * Throws WORKER_TLS naming the problem.
 */
export function checkOwnCertificate(
  tls: LinkTlsMaterial,
  role: CertRole,
  now: number = Date.now(),
): X509Certificate {
  let ca: X509Certificate;
  let own: X509Certificate;
  try {
    ca = new X509Certificate(tls.ca);
    own = new X509Certificate(tls.cert);
  } catch (e: unknown) {
    throw new PogoError('WORKER_TLS', 'the CA or the certificate is not a PEM certificate', { cause: e });
  }
  const has = certificateRole(own);
  const who = subjectName(own);
  const problem =
    has !== role
      ? `has role ${has ?? 'none'}, ${role} needed`
      : now > Date.parse(own.validTo)
        ? `expired on ${own.validTo}`
        : now < Date.parse(own.validFrom)
          ? `is not valid before ${own.validFrom}`
          : undefined;
  if (problem !== undefined) {
    throw new PogoError('WORKER_TLS', `this ${role}'s own certificate ${who} ${problem}`, {
      hint: `issue one with pogo certs issue ${role} NAME (check a file with pogo certs show FILE)`,
    });
  }
  return ca;
}

/**
 * A `checkServerIdentity` for the worker's TLS connection: Node's host name check first (never
 * skipped), then the server certificate must carry role `server` and be signed by `ca` now.
 */
export function serverIdentityCheck(
  ca: X509Certificate,
): (host: string, cert: PeerCertificate) => Error | undefined {
  return (host, cert) => {
    const mismatch = checkServerIdentity(host, cert);
    if (mismatch) return mismatch;
    const problem = certificateProblem(new X509Certificate(cert.raw), { ca, role: 'server' });
    return problem === undefined
      ? undefined
      : new PogoError('WORKER_TLS', `refusing the server: ${problem}`, {
          hint: 'the worker port needs a certificate from pogo certs issue server NAME',
        });
  };
}

/** OpenSSL/Node verification codes, as people read them. */
const VERIFY_REASONS: Readonly<Record<string, string>> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate not signed by the Pogo CA (unknown CA)',
  UNABLE_TO_GET_ISSUER_CERT: 'certificate not signed by the Pogo CA (unknown CA)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate not signed by the Pogo CA (unknown CA)',
  SELF_SIGNED_CERT_IN_CHAIN: 'certificate not signed by the Pogo CA (unknown CA)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate (unknown CA)',
  CERT_SIGNATURE_FAILURE: 'certificate signature invalid',
  CERT_HAS_EXPIRED: 'certificate expired',
  CERT_NOT_YET_VALID: 'certificate not yet valid',
  INVALID_PURPOSE:
    'certificate not for client authentication (a server certificate used as a worker certificate?)',
  ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE: 'no client certificate',
  ERR_SSL_UNSUPPORTED_PROTOCOL: 'protocol version: TLS 1.3 is required',
  ERR_SSL_NO_PROTOCOLS_AVAILABLE: 'protocol version: TLS 1.3 is required',
  ERR_SSL_WRONG_VERSION_NUMBER: 'not TLS (wrong version number)',
  ERR_SSL_HTTP_REQUEST: 'plain HTTP to the TLS port (use wss://)',
};

/**
 * Why the TLS layer refused a client, for the log: the certificate verification result when there is
 * one (`authorizationError`), else the TLS error code, else its message.
 */
export function tlsRefusalReason(error: Error, authorizationError?: string | Error | null): string {
  const verify = typeof authorizationError === 'string' ? authorizationError : authorizationError?.message;
  if (verify) return VERIFY_REASONS[verify] ?? `certificate not accepted (${verify})`;
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && VERIFY_REASONS[code] !== undefined) return VERIFY_REASONS[code];
  if (code === 'ECONNRESET') return 'the client closed the connection during the TLS handshake';
  return code !== undefined ? `${code}: ${error.message}` : error.message;
}
