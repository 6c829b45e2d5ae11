// A transport whose commands end at once with exit 0 and no process: measures the dispatcher, not fork/exec.
import type { ExecResult, Session, Transport } from '../src/transport/index.ts';

const DONE: ExecResult = { exitCode: 0, signal: null, timedOut: false, aborted: false, durationMs: 0 };

/** Every exec resolves on the next turn of the event loop with exit 0. */
export function instantTransport(): Transport {
  const session: Session = {
    exec: () => new Promise((resolve) => setImmediate(() => resolve(DONE))),
    upload: () => Promise.resolve(),
    close: () => undefined,
  };
  return { name: 'local', open: () => Promise.resolve(session), close: () => Promise.resolve() };
}
