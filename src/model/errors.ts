// PogoError: the one error type with a stable code, an optional source position and a hint.

/** Every error code Pogo raises; each is documented in docs/errors.md. */
export const ERROR_CODES = [
  'CONFIG_YAML_SYNTAX',
  'CONFIG_DUPLICATE_KEY',
  'CONFIG_UNKNOWN_KEY',
  'CONFIG_INVALID_VALUE',
  'CONFIG_UNKNOWN_TAG',
  'CONFIG_SEQUENCE_CYCLE',
  'CONFIG_BAD_PATTERN',
  'CONFIG_PATTERN_TOO_LARGE',
  'CONFIG_BAD_PERCENT',
  'CONFIG_TAG_SOURCE_FAILED',
  'CONFIG_INVENTORY_INVALID',
  'CONFIG_NOT_FOUND',
  'TARGETS_EMPTY',
  'TARGETS_BAD_EXPRESSION',
  'PLAN_CYCLE',
  'ENGINE_UNKNOWN_HOST',
  'ENGINE_BAD_TRANSITION',
  'LAB_START_FAILED',
  'LAB_ALREADY_RUNNING',
  'LAB_NOT_RUNNING',
  'LAB_STOP_FAILED',
  'SSH_CONFIG_INVALID',
  'SSH_UNREACHABLE',
  'SSH_AUTH_FAILED',
  'SSH_HOSTKEY_MISMATCH',
  'SSH_HOSTKEY_UNKNOWN',
  'SSH_KNOWN_HOSTS_UNWRITABLE',
  'SSH_CONNECTION_LOST',
  'TRANSPORT_ABORTED',
  'TRANSPORT_CLOSED',
  'TRANSPORT_SPAWN_FAILED',
  'TRANSPORT_UPLOAD_FAILED',
  'TASK_SUDO_PASSWORD_REQUIRED',
  'TASK_SUDO_PASSWORD_REJECTED',
  'STORE_NOT_FOUND',
  'STORE_CONFLICT',
  'STORE_UNAVAILABLE',
  'STORE_MIGRATION_FAILED',
  'LEASE_LOST',
  'JOB_OWNER_UNAVAILABLE',
  'JOB_BAD_REQUEST',
  'JOB_BAD_STATE',
  'API_BAD_REQUEST',
  'API_UNAUTHORIZED',
  'API_FORBIDDEN',
  'API_NOT_FOUND',
  'API_UNREACHABLE',
  'WORKER_PROTOCOL',
  'WORKER_TLS',
  'WORKER_CONNECT_FAILED',
  'CERT_INVALID',
  'CERT_FAILED',
  'ENVELOPE_INVALID',
  'ENVELOPE_UNREADABLE',
  'JOB_NEEDS_PASSWORD',
  'SECRET_UNKNOWN',
  'AUTH_TOKEN_EXPIRED',
  'SERVER_START_FAILED',
  'USAGE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Where in a source file an error was found (1-based line and column). */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface PogoErrorOptions {
  readonly cause?: unknown;
  readonly position?: SourcePosition | undefined;
  readonly hint?: string | undefined;
}

/** The base error of Pogo: a stable machine-readable `code`, a human message, optional position and hint. */
export class PogoError extends Error {
  override readonly name = 'PogoError';
  readonly code: ErrorCode;
  readonly position: SourcePosition | undefined;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: PogoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.position = options.position;
    this.hint = options.hint;
  }

  /** `file:line:column: message` when a position is known, else the message. */
  describe(): string {
    const p = this.position;
    return p ? `${p.file}:${p.line}:${p.column}: ${this.message}` : this.message;
  }
}

/** True when `e` is a PogoError (optionally with the given code). */
export function isPogoError(e: unknown, code?: ErrorCode): e is PogoError {
  return e instanceof PogoError && (code === undefined || e.code === code);
}
