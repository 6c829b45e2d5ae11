// Log lines of `pogo worker` on stderr: pino JSON lines with --json-log, else one readable line per event.
import { pino } from 'pino';
import { pinoRedaction, redactText } from '../security/index.ts';
import type { LinkLogger } from '../worker/index.ts';

/** A logger writing whole lines through `write`; `base` fields go on every JSON line. */
export function workerLogger(
  json: boolean,
  write: (text: string) => void,
  base: Record<string, unknown>,
): LinkLogger {
  if (json) {
    return pino(
      { base, timestamp: pino.stdTimeFunctions.isoTime, ...pinoRedaction() },
      { write: (line: string) => write(line) },
    );
  }
  const line =
    (level: string) =>
    (fields: Record<string, unknown>, message: string): void => {
      const code = typeof fields.code === 'string' ? ` [${fields.code}]` : '';
      write(`${new Date().toISOString()} ${level} ${redactText(message)}${code}\n`);
    };
  return { debug: () => undefined, info: line('info'), warn: line('warn'), error: line('error') };
}
