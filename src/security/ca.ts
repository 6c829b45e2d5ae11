// The Pogo CA: make one (self-signed, ECDSA P-256) and load one from its certificate and key PEM.
import { X509Certificate, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { PogoError } from '../model/index.ts';
import { subjectName } from './cert-check.ts';
import type { ValidityWindow } from './validity.ts';
import { CA_DAYS, validityFor } from './validity.ts';
import { buildCertificate } from './x509-build.ts';

/** A certificate with its private key, both PEM (the key PKCS#8, unencrypted). */
export interface IssuedPem {
  readonly certPem: string;
  readonly keyPem: string;
}

/** A loaded CA, ready to sign. */
export interface CertAuthority {
  readonly cert: X509Certificate;
  readonly certPem: string;
  readonly privateKey: KeyObject;
  /** The CA's common name (the issuer of what it signs). */
  readonly commonName: string;
}

/** Options of {@link createCa}. */
export interface CreateCaOptions {
  /** Common name (default `Pogo CA`). */
  readonly name?: string | undefined;
  /** Lifetime in days (default 3650). */
  readonly days?: number | undefined;
  /** An explicit validity window instead of `days` (tests). */
  readonly validity?: ValidityWindow | undefined;
}

/** The default common name of a CA made by `pogo certs init`. */
export const DEFAULT_CA_NAME = 'Pogo CA';

/** A new self-signed CA: basicConstraints CA:true pathlen 0, keyUsage keyCertSign and cRLSign. */
export function createCa(options: CreateCaOptions = {}): IssuedPem {
  const commonName = options.name ?? DEFAULT_CA_NAME;
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const window = options.validity ?? validityFor(options.days ?? CA_DAYS);
  const certPem = buildCertificate({
    commonName,
    publicKey,
    issuer: { commonName, publicKey, privateKey },
    ...window,
    kind: 'ca',
  });
  return { certPem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/**
 * A CA from its certificate and key PEM. Throws CERT_INVALID when either does not parse, the
 * certificate is not a CA, or the key is not the certificate's. `source` names the files in messages.
 */
export function loadCa(certPem: string, keyPem: string, source = 'the CA'): CertAuthority {
  let cert: X509Certificate;
  let privateKey: KeyObject;
  try {
    cert = new X509Certificate(certPem);
    privateKey = createPrivateKey(keyPem);
  } catch (e: unknown) {
    throw new PogoError('CERT_INVALID', `${source}: not a PEM certificate and key`, { cause: e });
  }
  if (!cert.ca)
    throw new PogoError('CERT_INVALID', `${source}: ${subjectName(cert)} is not a CA certificate`);
  if (!cert.checkPrivateKey(privateKey)) {
    throw new PogoError('CERT_INVALID', `${source}: the key does not belong to ${subjectName(cert)}`);
  }
  const commonName = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1] ?? DEFAULT_CA_NAME;
  return { cert, certPem, privateKey, commonName };
}

/** The CA's public key as a KeyObject (for key identifiers). */
export function caPublicKey(ca: CertAuthority): KeyObject {
  return createPublicKey(ca.privateKey);
}
