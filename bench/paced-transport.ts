// A transport with no process: a command `… pace:MS …` ends after MS ms (else at once), exit 0, one line of output.
import type { ExecOptions, ExecResult, Session, Transport } from '../src/transport/index.ts';

/** Every host prints `ok`; one host in `oddEvery` prints something else (grouped outputs have two groups). */
export function pacedTransport(oddEvery = 97): Transport {
  let n = 0;
  const session: Session = {
    exec: (command: string, options?: ExecOptions) =>
      new Promise<ExecResult>((resolve) => {
        const ms = Number(/pace:(\d+)/.exec(command)?.[1] ?? 0);
        const odd = ++n % oddEvery === 0;
        const done = (): void => {
          const line = odd ? `warning: ${options?.env?.POGO_HOST ?? '?'} is slow\n` : 'ok\n';
          options?.onOutput?.({ t: Date.now(), stream: 'stdout', data: Buffer.from(line) });
          resolve({ exitCode: 0, signal: null, timedOut: false, aborted: false, durationMs: ms });
        };
        if (ms > 0) setTimeout(done, ms);
        else setImmediate(done);
      }),
    upload: () => Promise.resolve(),
    close: () => undefined,
  };
  return { name: 'local', open: () => Promise.resolve(session), close: () => Promise.resolve() };
}
