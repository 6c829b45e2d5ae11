// Issue a server or worker certificate signed by the Pogo CA: a fresh P-256 key, the role URI, the SANs.
import { generateKeyPairSync } from 'node:crypto';
import { isIP } from 'node:net';
import type { CertAuthority, IssuedPem } from './ca.ts';
import { caPublicKey } from './ca.ts';
import type { CertRole } from './cert-check.ts';
import type { SanEntry } from './san.ts';
import { parseSan } from './san.ts';
import type { ValidityWindow } from './validity.ts';
import { LEAF_DAYS, validityFor } from './validity.ts';
import { buildCertificate } from './x509-build.ts';

/** What to issue. */
export interface IssueOptions {
  readonly role: CertRole;
  /** The common name, also the first subjectAltName (DNS, or IP when it is an address). */
  readonly name: string;
  /** More subjectAltNames (servers: every name and address workers dial). */
  readonly sans?: readonly SanEntry[] | undefined;
  /** Lifetime in days (default 397). */
  readonly days?: number | undefined;
  /** An explicit validity window instead of `days` (tests: expired or not yet valid certificates). */
  readonly validity?: ValidityWindow | undefined;
}

/**
 * A new key and a certificate for it signed by `ca`: role URI `urn:pogo:role:ROLE`, extendedKeyUsage
 * serverAuth (server) or clientAuth (worker), keyUsage digitalSignature and keyAgreement, CA:false.
 * Throws CERT_INVALID for a name that is neither a DNS name nor an IP address, or bad days.
 */
export function issueCertificate(ca: CertAuthority, options: IssueOptions): IssuedPem {
  const first = parseSan(isIP(options.name) ? `IP:${options.name}` : `DNS:${options.name}`);
  const sans = [first, ...(options.sans ?? [])].filter(
    (s, i, all) => all.findIndex((o) => o.kind === s.kind && o.value === s.value) === i,
  );
  const window = options.validity ?? validityFor(options.days ?? LEAF_DAYS);
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const certPem = buildCertificate({
    commonName: options.name,
    publicKey,
    issuer: { commonName: ca.commonName, publicKey: caPublicKey(ca), privateKey: ca.privateKey },
    ...window,
    kind: options.role,
    sans,
  });
  return { certPem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}
