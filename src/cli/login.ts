// `pogo login`: check a token with GET /v1/me and keep it (with the server and CA) in the client profile, 0600.
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { Actor } from '../model/index.ts';
import { apiClientFor } from './client/connect.ts';
import { profilePath, processSources, resolveProfile } from './client/profile.ts';
import type { CommandContext } from './context.ts';
import { usageError } from './flags.ts';
import { promptPassword, readPasswordFromStdin } from './password-input.ts';

/** Flags of `pogo login`. */
export interface LoginFlags {
  readonly server?: string;
  readonly ca?: string;
  readonly tokenStdin?: boolean;
}

/** Add `login` to the program. */
export function registerLogin(program: Command, ctx: CommandContext): Command {
  return program
    .command('login')
    .summary('check an API token and keep it in the client profile')
    .description(
      'Ask for a token (no echo), or read it from stdin with --token-stdin, check it with the server ' +
        '(GET /v1/me), and write server, token and ca to ~/.config/pogo/config.yaml (mode 0600).',
    )
    .option('--server <url>', 'the server (default: $POGO_SERVER, the profile, http://127.0.0.1:7657)')
    .option('--ca <file>', 'CA certificate to trust for an https:// server (kept in the profile)')
    .option('--token-stdin', 'read the token from the first line of stdin')
    .action(async (flags: LoginFlags) => {
      ctx.exitCode = await runLogin(flags, ctx);
    });
}

/** Log in; returns the exit code. The token is never printed. */
export async function runLogin(flags: LoginFlags, ctx: CommandContext): Promise<number> {
  const sources = processSources();
  const ca = flags.ca === undefined ? undefined : resolve(flags.ca);
  const profile = await resolveProfile(
    { ...(flags.server === undefined ? {} : { server: flags.server }), ...(ca === undefined ? {} : { ca }) },
    sources,
  );
  const token = flags.tokenStdin ? await readToken() : await askToken();
  if (!/^[\x21-\x7e]+$/.test(token)) throw usageError('a token is one word of printable characters');
  const client = await apiClientFor(profile, token);
  const me = await client.json<Actor>('GET', '/v1/me');
  const file = profilePath(sources);
  const text = stringify({
    server: profile.server,
    token,
    ...(profile.ca === undefined ? {} : { ca: profile.ca }),
  });
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  // Written aside then renamed: a reader never sees half a profile, and the token never sits in a 0644 file.
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, file);
  const roles = (me.grants ?? [{ namespace: '*', role: me.role }]).map((g) => `${g.role} on ${g.namespace}`);
  ctx.io.out(
    `logged in to ${profile.server} as ${me.user} (${roles.join(', ') || 'no role'}); profile ${file}\n`,
  );
  return 0;
}

async function readToken(): Promise<string> {
  try {
    return await readPasswordFromStdin();
  } catch {
    throw usageError('--token-stdin: standard input gave no token');
  }
}

async function askToken(): Promise<string> {
  if (!process.stdin.isTTY) {
    throw usageError('no terminal to ask for the token on', 'pipe it in with --token-stdin');
  }
  return promptPassword('Token: ');
}
