// The small logger interface the worker link writes to (pino fits it; tests and embedded use pass their own).

/** Structured log lines: `fields` for machines, `message` for people. Secrets never go in either. */
export interface LinkLogger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** A logger that drops everything (the default). */
export const silentLinkLogger: LinkLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
