// Security: tokens (and, later, certificates, password envelopes, roles, redaction).
export { hashToken, newToken } from './tokens.ts';
