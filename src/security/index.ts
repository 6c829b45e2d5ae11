// Security: tokens, certificate checks (and, as they land, certificates, password envelopes, roles, redaction).
export { hashToken, newToken } from './tokens.ts';
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
