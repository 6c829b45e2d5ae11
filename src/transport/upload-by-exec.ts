// `Session.upload` over exec: `cat > PATH` with the file on stdin (works wherever a shell does; no SFTP needed).
import { PogoError } from '../model/errors.ts';
import { shellQuote } from './remote-command.ts';
import type { Session } from './types.ts';

/** Write `data` to `remotePath` (mode 0700) through `exec`; a failure is TRANSPORT_UPLOAD_FAILED. */
export async function uploadByExec(
  exec: Session['exec'],
  host: string,
  remotePath: string,
  data: Buffer,
  signal?: AbortSignal,
): Promise<void> {
  const path = shellQuote(remotePath);
  let said = '';
  const result = await exec(`umask 077 && cat > ${path} && chmod 700 ${path}`, {
    stdin: data,
    signal,
    onOutput: (c) => void (said = (said + c.data.toString('utf8')).slice(-300)),
  });
  if (result.exitCode !== 0) {
    const why = result.aborted
      ? 'aborted'
      : `exit ${result.exitCode ?? result.signal ?? '?'}: ${said.trim()}`;
    throw new PogoError('TRANSPORT_UPLOAD_FAILED', `cannot write ${remotePath} on ${host} (${why})`);
  }
}
