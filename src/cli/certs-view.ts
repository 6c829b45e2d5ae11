// Text of `pogo certs show`: one `field: value` line each, validity with days left or EXPIRED.
import type { CertificateDescription, KeyDescription } from '../security/index.ts';

/** The lines `pogo certs show FILE` prints for a certificate or a key. */
export function certificateText(file: string, d: CertificateDescription | KeyDescription): string {
  if (d.kind === 'private-key') {
    return `${file}: private key (${d.keyType}); its contents are not shown\n`;
  }
  const role = d.role === 'ca' ? 'CA' : (d.role ?? 'none (no urn:pogo:role: URI: not usable by pogo)');
  const state = d.expired
    ? 'EXPIRED'
    : d.notYetValid
      ? 'NOT YET VALID'
      : `${d.daysLeft} ${d.daysLeft === 1 ? 'day' : 'days'} left`;
  const rows: [string, string][] = [
    ['file', file],
    ['subject', d.subject],
    ['issuer', d.issuer],
    ['role', role],
    ['names', d.sans.length > 0 ? d.sans.join(', ') : 'none'],
    ['valid', `${d.notBefore} to ${d.notAfter} (${state})`],
    ['serial', d.serial],
    ['sha256', d.fingerprint256],
    ['key', d.keyType],
  ];
  return rows.map(([k, v]) => `${`${k}:`.padEnd(9)}${v}\n`).join('');
}
