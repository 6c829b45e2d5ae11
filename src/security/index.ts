// Security: tokens, certificates (make, issue, check, describe), password envelopes and redaction.
export { hashToken, newToken } from './tokens.ts';
export { Accounts, actorOf } from './accounts.ts';
export type { AccountsOptions, IssuedToken, TokenRequest } from './accounts.ts';
export {
  CERT_ROLES,
  ROLE_URI_PREFIX,
  certificateProblem,
  certificateRole,
  subjectName,
} from './cert-check.ts';
export type { CertRequirement, CertRole } from './cert-check.ts';
export {
  MAX_BOX_BYTES,
  MAX_RECIPIENTS,
  openBox,
  parseSealedBox,
  sealEnvelope,
  sealedBoxSchema,
  sealedEnvelopeSchema,
} from './envelope.ts';
export type { EnvelopeSecrets } from './envelope.ts';
export { REDACTED, SECRET_FIELDS, pinoRedaction, redactFields, redactText } from './redact.ts';
export { DEFAULT_CA_NAME, createCa, loadCa } from './ca.ts';
export type { CertAuthority, CreateCaOptions, IssuedPem } from './ca.ts';
export { issueCertificate } from './issue-cert.ts';
export type { IssueOptions } from './issue-cert.ts';
export { describeCertificate, describePem } from './describe-cert.ts';
export type { CertificateDescription, KeyDescription } from './describe-cert.ts';
export { pemEncode, pemLabel, writeSecretFile } from './pem.ts';
export { DEFAULT_PKI_DIR, parseCertificate, readCa, readText, writePair } from './pki-files.ts';
export type { WrittenPair } from './pki-files.ts';
export { formatSan, parseSan, parseSanList } from './san.ts';
export type { SanEntry } from './san.ts';
export { CA_DAYS, CLOCK_SKEW_MS, LEAF_DAYS, MAX_DAYS, validityFor } from './validity.ts';
export type { ValidityWindow } from './validity.ts';
export { buildCertificate, keyIdentifier } from './x509-build.ts';
export type { CertificateSpec } from './x509-build.ts';
