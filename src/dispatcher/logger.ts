// The logger shape the dispatcher and server use (pino's), and a silent one for tests and embedding.

/** pino-compatible: `log.info({ job }, 'message')`. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

const noop = (): void => undefined;

/** Drops everything. */
export const silentLogger: Logger = { info: noop, warn: noop, error: noop, debug: noop };
