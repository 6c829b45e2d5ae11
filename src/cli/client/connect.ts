// The connection options every client command has (`--server`, `--token`) and the API they lead to.
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { usageError } from '../flags.ts';
import { ApiClient } from './api-client.ts';
import { fetchTrusting } from './ca-fetch.ts';
import { PogoApi } from './pogo-api.ts';
import type { ConnectionFlags, Profile, ProfileSources } from './profile.ts';
import { DEFAULT_SERVER, processSources, resolveProfile } from './profile.ts';

/** Add `--server` and `--token` to a client command. */
export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .option('--server <url>', `Pogo server URL (default: $POGO_SERVER, the profile, ${DEFAULT_SERVER})`)
    .option('--token <token>', 'API token (default: $POGO_TOKEN, the profile; the flag shows in ps)')
    .option('--ca <file>', 'CA certificate to trust for an https:// server (default: $POGO_CA, the profile)');
}

/** The API of the server the flags, the environment or the profile file name. */
export async function connect(
  flags: ConnectionFlags,
  sources: ProfileSources = processSources(),
): Promise<PogoApi> {
  const profile = await resolveProfile(flags, sources);
  return new PogoApi(await apiClientFor(profile));
}

/**
 * The HTTP client of a resolved profile: its token (or `given`), its CA (read now: a bad file is a usage
 * error), and a request timeout other than the default when `timeoutMs` says.
 */
export async function apiClientFor(profile: Profile, given?: string, timeoutMs?: number): Promise<ApiClient> {
  const token = given ?? profile.token;
  const hints = {
    API_UNAUTHORIZED:
      given === undefined
        ? unauthorizedHint(profile)
        : 'check the token you gave; an admin makes a new one with `pogo users token NAME`',
  };
  let ca: Buffer | undefined;
  if (profile.ca !== undefined) {
    try {
      ca = await readFile(profile.ca);
    } catch (e: unknown) {
      throw usageError(`--ca: cannot read ${profile.ca} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return new ApiClient({
    server: profile.server,
    token,
    hints,
    ...(ca && { fetch: fetchTrusting(ca) }),
    ...(timeoutMs !== undefined && { timeoutMs }),
  });
}

/** What to do about a refused token, naming where this one came from (never the token itself). */
export function unauthorizedHint(profile: Profile): string {
  const where = `--token, POGO_TOKEN, or token: in ${profile.file}`;
  return profile.tokenFrom === undefined
    ? `no token was given: pass one with ${where}`
    : `the server refused the token from ${profile.tokenFrom}; pass another with ${where}`;
}
