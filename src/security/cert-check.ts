// What a Pogo certificate says about its holder: its role (server or worker) and whether the CA vouches for it now.
import type { X509Certificate } from 'node:crypto';

/** The two kinds of Pogo certificates. */
export const CERT_ROLES = ['server', 'worker'] as const;
export type CertRole = (typeof CERT_ROLES)[number];

/** Certificates carry their role as a subjectAltName URI: `urn:pogo:role:worker`. */
export const ROLE_URI_PREFIX = 'urn:pogo:role:';

const ROLE_URI = /(?:^|,\s*)URI:urn:pogo:role:([a-z]+)(?=,|$)/g;

/** The role written in the certificate, or undefined when it has none (or several, which is as bad). */
export function certificateRole(cert: X509Certificate): CertRole | undefined {
  const found = [...(cert.subjectAltName ?? '').matchAll(ROLE_URI)].map((m) => m[1]);
  if (found.length !== 1) return undefined;
  return CERT_ROLES.find((r) => r === found[0]);
}

/** What to require of a certificate. */
export interface CertRequirement {
  readonly ca: X509Certificate;
  readonly role: CertRole;
  /** Milliseconds since the epoch (default: now). */
  readonly now?: number;
}

/**
 * Why `cert` is not acceptable, or undefined when it is: signed by `ca`, within its validity window,
 * and of the required role. The reason names the certificate's subject and never includes key material.
 */
export function certificateProblem(cert: X509Certificate, need: CertRequirement): string | undefined {
  const who = subjectName(cert);
  if (!cert.checkIssued(need.ca) || !cert.verify(need.ca.publicKey)) {
    return `certificate ${who} is not signed by the Pogo CA (${subjectName(need.ca)})`;
  }
  const now = need.now ?? Date.now();
  if (now < Date.parse(cert.validFrom)) return `certificate ${who} is not valid before ${cert.validFrom}`;
  if (now > Date.parse(cert.validTo)) return `certificate ${who} expired on ${cert.validTo}`;
  const role = certificateRole(cert);
  if (role !== need.role) {
    return `certificate ${who} has role ${role ?? 'none'}, ${need.role} needed`;
  }
  return undefined;
}

/** `CN=name` of the subject, or the whole subject when there is no CN. */
export function subjectName(cert: X509Certificate): string {
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1];
  return cn !== undefined ? `CN=${cn}` : cert.subject.replace(/\n/g, ', ');
}
