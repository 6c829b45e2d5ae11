// Reads the operator's password: a prompt without echo on the terminal, or the first line of stdin.
import { PogoError } from '../model/index.ts';

/** The first line of standard input (as `docker login --password-stdin` does); trailing CR/LF dropped. */
export async function readPasswordFromStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    if (chunks.some((c) => c.includes(0x0a))) break;
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const line = text.split('\n')[0]?.replace(/\r$/, '') ?? '';
  if (line === '') throw new PogoError('USAGE', '--password-stdin: standard input gave an empty password');
  return line;
}

/** Prompt on the terminal without echo. Refuses when stdin is not a terminal (use --password-stdin). */
export async function promptPassword(prompt = 'Password: '): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    throw new PogoError('USAGE', '--password needs a terminal to prompt on', {
      hint: 'pipe the password with --password-stdin instead',
    });
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = '';
      const onData = (buf: Buffer): void => {
        for (const ch of buf.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            stdin.off('data', onData);
            return resolve(value);
          }
          if (ch === '\u0003') {
            stdin.off('data', onData);
            return reject(new PogoError('USAGE', 'password prompt cancelled'));
          }
          if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
          else value += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}
