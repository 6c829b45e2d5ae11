// How long Pogo certificates live: defaults, the allowed range of --days, and the clock-skew margin.
import { PogoError } from '../model/index.ts';

/** Default lifetime of a CA certificate, in days. */
export const CA_DAYS = 3650;
/** Default lifetime of a server or worker certificate (the CA/Browser Forum's 397-day ceiling). */
export const LEAF_DAYS = 397;
/** The longest `--days` allowed. */
export const MAX_DAYS = 3650;
/** notBefore is this far in the past, so a peer whose clock runs a little behind accepts a fresh certificate. */
export const CLOCK_SKEW_MS = 5 * 60_000;

const DAY_MS = 86_400_000;

/** A validity window. */
export interface ValidityWindow {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** From now − 5 minutes to now + `days`. Throws CERT_INVALID for days outside 1..3650. */
export function validityFor(days: number, now: number = Date.now()): ValidityWindow {
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
    throw new PogoError('CERT_INVALID', `--days: must be a whole number from 1 to ${MAX_DAYS}, got ${days}`);
  }
  return { notBefore: new Date(now - CLOCK_SKEW_MS), notAfter: new Date(now + days * DAY_MS) };
}
