// Security: tokens, certificate checks (and, as they land, certificates, password envelopes, roles, redaction).
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
