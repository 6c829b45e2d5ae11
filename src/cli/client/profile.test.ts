// Where the client's server and token come from: flags > environment > profile file > default; bad files named.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPogoError } from '../../model/index.ts';
import { exitCodeForError } from '../exit-codes.ts';
import type { ProfileSources } from './profile.ts';
import { unauthorizedHint } from './connect.ts';
import { DEFAULT_SERVER, profilePath, resolveProfile } from './profile.ts';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'pogo-profile-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const sources = (env: Record<string, string | undefined> = {}): ProfileSources => ({ env, homeDir: home });

async function writeProfile(text: string, dir = join(home, '.config')): Promise<string> {
  const file = join(dir, 'pogo', 'config.yaml');
  await mkdir(join(dir, 'pogo'), { recursive: true });
  await writeFile(file, text);
  return file;
}

/** The PogoError `resolveProfile` rejects with, its message as printed (`file:line:column: …`). */
async function failure(
  promise: Promise<unknown>,
): Promise<{ message: string; hint: string | undefined; error: unknown }> {
  const e: unknown = await promise.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!isPogoError(e)) throw new Error(`expected a PogoError, got ${String(e)}`);
  return { message: e.describe(), hint: e.hint, error: e };
}

describe('resolveProfile', () => {
  it('defaults to the local server and no token when nothing is set', async () => {
    const p = await resolveProfile({}, sources());
    expect(p).toMatchObject({ server: DEFAULT_SERVER, token: undefined, serverFrom: 'the default' });
    expect(p.file).toBe(join(home, '.config', 'pogo', 'config.yaml'));
  });

  it('reads ~/.config/pogo/config.yaml, and $XDG_CONFIG_HOME instead when set', async () => {
    const file = await writeProfile('server: https://pogo.example.com/\ntoken: from-home\n');
    expect(await resolveProfile({}, sources())).toMatchObject({
      server: 'https://pogo.example.com',
      token: 'from-home',
      serverFrom: file,
    });
    const xdg = join(home, 'xdg');
    await writeProfile('server: http://xdg:1\n', xdg);
    const p = await resolveProfile({}, sources({ XDG_CONFIG_HOME: xdg }));
    expect(p).toMatchObject({ server: 'http://xdg:1', token: undefined });
    expect(profilePath(sources({ XDG_CONFIG_HOME: xdg }))).toBe(join(xdg, 'pogo', 'config.yaml'));
  });

  it('prefers the environment to the file and the flags to the environment, key by key', async () => {
    await writeProfile('server: http://file:1\ntoken: file-token\n');
    const env = { POGO_SERVER: 'http://env:2', POGO_TOKEN: 'env-token' };
    expect(await resolveProfile({}, sources(env))).toMatchObject({
      server: 'http://env:2',
      token: 'env-token',
      serverFrom: 'POGO_SERVER',
    });
    expect(await resolveProfile({ server: 'http://flag:3' }, sources(env))).toMatchObject({
      server: 'http://flag:3',
      token: 'env-token',
      serverFrom: '--server',
      tokenFrom: 'POGO_TOKEN',
    });
    expect(await resolveProfile({ token: 'flag-token' }, sources({ POGO_SERVER: '' }))).toMatchObject({
      server: 'http://file:1',
      token: 'flag-token',
    });
  });

  it('says where a refused token came from, or that there was none', async () => {
    const file = await writeProfile('token: t\n');
    expect(unauthorizedHint(await resolveProfile({}, sources()))).toBe(
      `the server refused the token from ${file}; pass another with --token, POGO_TOKEN, or token: in ${file}`,
    );
    await writeProfile('');
    expect(unauthorizedHint(await resolveProfile({}, sources()))).toBe(
      `no token was given: pass one with --token, POGO_TOKEN, or token: in ${file}`,
    );
  });

  it('keeps a path prefix of the server URL (a server behind a proxy path)', async () => {
    const p = await resolveProfile({ server: 'https://ops.example.com/pogo/' }, sources());
    expect(p.server).toBe('https://ops.example.com/pogo');
  });

  it('names the file, line and key of a bad profile (exit 64)', async () => {
    const file = await writeProfile('server: http://ok:1\ntokn: abc\n');
    const unknown = await failure(resolveProfile({}, sources()));
    expect(unknown.message).toBe(`${file}:2:1: unknown key "tokn" (known keys: server, token, ca)`);
    expect(unknown.hint).toBe(
      'the file holds the keys server: URL, token: TOKEN and (for a private CA) ca: FILE',
    );
    expect(exitCodeForError(unknown.error)).toBe(64);

    await writeProfile('server: ftp://nope\n');
    expect((await failure(resolveProfile({}, sources()))).message).toMatch(
      new RegExp(`^${file}:1:9: server: "ftp://nope" is not a server URL`),
    );
    await writeProfile('token: [a, b]\n');
    expect((await failure(resolveProfile({}, sources()))).message).toBe(
      `${file}:1:8: token: must be a string`,
    );
    await writeProfile('server: [unclosed\n');
    expect((await failure(resolveProfile({}, sources()))).message).toMatch(
      new RegExp(`^${file}:\\d+:\\d+: `),
    );
    await writeProfile('- a list\n');
    expect((await failure(resolveProfile({}, sources()))).message).toBe(
      `${file}:1:1: expected a map of keys (server:, token:)`,
    );
  });

  it('never shows a token in its errors', async () => {
    const secret = 'sekrit value';
    const fromEnv = await failure(resolveProfile({}, sources({ POGO_TOKEN: secret })));
    expect(fromEnv.message).toBe('POGO_TOKEN: a token is one word of printable characters (no spaces)');
    const file = await writeProfile(`token: "${secret}"\n`);
    const fromFile = await failure(resolveProfile({}, sources()));
    expect(fromFile.message).toBe(
      `${file}:1:8: token: a token is one word of printable characters (no spaces)`,
    );
    for (const e of [fromEnv, fromFile]) expect(JSON.stringify([e.message, e.hint])).not.toContain('sekrit');
  });

  it('refuses user:password in the server URL, and a bad --server names the flag', async () => {
    const e = await failure(resolveProfile({ server: 'http://al:pw@h:1' }, sources()));
    expect(e.message).toMatch(/^--server: "http:\/\/al:pw@h:1" is not a server URL/);
    expect(exitCodeForError(e.error)).toBe(64);
  });

  it('ignores a missing file and accepts an empty one', async () => {
    await writeProfile('');
    expect((await resolveProfile({}, sources())).server).toBe(DEFAULT_SERVER);
  });
});
