// Redaction: what loggers (and anything printing structured fields) apply so that no secret reaches a log.

/** Field names whose values are secrets wherever they appear (case-insensitive). */
export const SECRET_FIELDS: readonly string[] = [
  'password',
  'passphrase',
  'token',
  'access_token',
  'authorization',
  'cookie',
  'envelope',
  'sshkey',
  'privatekey',
  'key',
  'secret',
  'secrets',
];

/** What a redacted value becomes. */
export const REDACTED = '[redacted]';

const SECRET_SET = new Set(SECRET_FIELDS);
/** API tokens (`pogo_` + 43 base64url characters) and `access_token=` query values, wherever they appear. */
const TOKEN = /pogo_[A-Za-z0-9_-]{43}/g;
const QUERY_TOKEN = /([?&]access_token=)[^&#\s]*/gi;
const MAX_DEPTH = 6;

/** `text` with API tokens and `access_token=` values replaced. */
export function redactText(text: string): string {
  return text.replace(TOKEN, 'pogo_[redacted]').replace(QUERY_TOKEN, `$1${REDACTED}`);
}

/**
 * A copy of `value` with every secret field replaced by {@link REDACTED} and tokens removed from strings,
 * to any depth up to 6 (deeper parts are dropped). Errors keep their message (redacted) and code;
 * other class instances are returned as they are, for serializers (pino's `req`, `res`).
 */
export function redactFields(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[…]';
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return {
      type: value.name,
      message: redactText(value.message),
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  if (Array.isArray(value)) return value.map((v) => redactFields(v, depth + 1));
  // Class instances (a request, a socket) are left to the logger's serializers, which pick fields of them.
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      SECRET_SET.has(k.toLowerCase()) && v !== undefined && v !== null
        ? REDACTED
        : redactFields(v, depth + 1);
  }
  return out;
}

/** pino options that pass every log object through {@link redactFields} (merge into the pino options). */
export function pinoRedaction(): {
  formatters: { log: (o: Record<string, unknown>) => Record<string, unknown> };
} {
  return { formatters: { log: (o) => redactFields(o) as Record<string, unknown> } };
}
