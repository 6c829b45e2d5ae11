// What `pogo certs show` says about a PEM file: a certificate's subject, role, names and validity, or that it is a key.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { PogoError } from '../model/index.ts';
import type { CertRole } from './cert-check.ts';
import { certificateRole } from './cert-check.ts';
import { pemLabel } from './pem.ts';

const DAY_MS = 86_400_000;

/** A certificate as `pogo certs show` reports it. */
export interface CertificateDescription {
  readonly kind: 'certificate';
  readonly subject: string;
  readonly issuer: string;
  /** `ca` for a CA certificate, else the role URI's role (undefined: none). */
  readonly role: CertRole | 'ca' | undefined;
  /** `DNS:x`, `IP:x`, `URI:x`, as Node prints them. */
  readonly sans: readonly string[];
  readonly notBefore: string;
  readonly notAfter: string;
  /** Whole days until notAfter (negative once expired). */
  readonly daysLeft: number;
  readonly expired: boolean;
  readonly notYetValid: boolean;
  readonly serial: string;
  /** SHA-256 fingerprint, colon-separated hex. */
  readonly fingerprint256: string;
  /** `EC prime256v1`, `RSA 2048`, … */
  readonly keyType: string;
}

/** A private key: only its type, never its material. */
export interface KeyDescription {
  readonly kind: 'private-key';
  readonly keyType: string;
}

/** Describe a PEM certificate or private key. Throws CERT_INVALID for anything else; never echoes key material. */
export function describePem(
  text: string,
  source: string,
  now: number = Date.now(),
): CertificateDescription | KeyDescription {
  const label = pemLabel(text);
  if (label !== undefined && label.endsWith('PRIVATE KEY')) {
    try {
      const key = createPrivateKey(text);
      return { kind: 'private-key', keyType: keyTypeOf(key.asymmetricKeyType, key.asymmetricKeyDetails) };
    } catch (e: unknown) {
      // The cause is dropped on purpose: parser messages may quote the key.
      void e;
      throw new PogoError('CERT_INVALID', `${source}: not a usable private key (or it is encrypted)`);
    }
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(text);
  } catch (e: unknown) {
    throw new PogoError('CERT_INVALID', `${source}: not a PEM certificate or private key`, { cause: e });
  }
  return describeCertificate(cert, now);
}

/** Describe a parsed certificate. */
export function describeCertificate(cert: X509Certificate, now: number = Date.now()): CertificateDescription {
  const notBefore = Date.parse(cert.validFrom);
  const notAfter = Date.parse(cert.validTo);
  const key = cert.publicKey;
  return {
    kind: 'certificate',
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    role: cert.ca ? 'ca' : certificateRole(cert),
    sans: (cert.subjectAltName ?? '')
      .split(/,\s*/)
      .filter((s) => s !== '')
      .map((s) => s.replace(/^IP Address:/, 'IP:')),
    notBefore: new Date(notBefore).toISOString(),
    notAfter: new Date(notAfter).toISOString(),
    daysLeft: Math.floor((notAfter - now) / DAY_MS),
    expired: now > notAfter,
    notYetValid: now < notBefore,
    serial: cert.serialNumber,
    fingerprint256: cert.fingerprint256,
    keyType: keyTypeOf(key.asymmetricKeyType, key.asymmetricKeyDetails),
  };
}

function keyTypeOf(
  type: string | undefined,
  details: { namedCurve?: string; modulusLength?: number } | undefined,
): string {
  if (type === 'ec') return `EC ${details?.namedCurve ?? ''}`.trim();
  if (type === 'rsa' || type === 'rsa-pss')
    return `${type.toUpperCase()} ${details?.modulusLength ?? ''}`.trim();
  return type ?? 'unknown';
}

function oneLine(dn: string): string {
  return dn
    .split('\n')
    .filter((s) => s !== '')
    .join(', ');
}
