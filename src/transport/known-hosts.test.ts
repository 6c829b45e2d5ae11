// known_hosts: plain, hashed, wildcard and [host]:port names; mismatch with file:line; @revoked; accept-new appends.
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fingerprint, knownHostsName, parseKnownHosts } from './known-hosts-file.ts';
import { KnownHosts } from './known-hosts.ts';

/** A syntactically valid public key blob of `type` (random key material). */
function blob(type = 'ssh-ed25519'): Buffer {
  const t = Buffer.from(type);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(t.length);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(32);
  return Buffer.concat([head, t, len, randomBytes(32)]);
}

const line = (names: string, key: Buffer, type = 'ssh-ed25519'): string =>
  `${names} ${type} ${key.toString('base64')}\n`;

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-kh-'));
  file = join(dir, 'known_hosts');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('known_hosts lines', () => {
  it('names a host by alias, plain name, or [name]:port off port 22', () => {
    expect(knownHostsName('web1', 22)).toBe('web1');
    expect(knownHostsName('web1', undefined)).toBe('web1');
    expect(knownHostsName('127.0.0.1', 2222)).toBe('[127.0.0.1]:2222');
    expect(knownHostsName('127.0.0.1', 2222, 'lab-0001')).toBe('lab-0001');
  });

  it('keeps key lines, skips comments, junk and @cert-authority, and notes @revoked', () => {
    const k = blob();
    const text = `# c\n\n${line('a,b', k)}garbage\n@cert-authority *.x ${'ssh-ed25519'} ${k.toString('base64')}\n@revoked ${line('c', k)}`;
    const entries = parseKnownHosts(text, 'f');
    expect(entries.map((e) => [e.line, e.names, e.marker])).toEqual([
      [3, 'a,b', undefined],
      [6, 'c', 'revoked'],
    ]);
    expect(fingerprint(k)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});

describe('KnownHosts.verify', () => {
  const check = (name: string, policy: 'yes' | 'accept-new' | 'no' = 'yes') => ({
    name,
    files: [file],
    policy,
  });

  it('accepts a key recorded under a plain, hashed, wildcard or [host]:port name', async () => {
    const [k1, k2, k3, k4] = [blob(), blob(), blob('ecdsa-sha2-nistp256'), blob()];
    await writeFile(
      file,
      line('web1,web1.example.com', k1) +
        line(hashed('secret-host'), k2) +
        line('*.lab', k3, 'ecdsa-sha2-nistp256') +
        line('[127.0.0.1]:2222', k4),
    );
    const kh = new KnownHosts();
    await expect(kh.verify(check('web1.example.com'), k1)).resolves.toBe('known');
    await expect(kh.verify(check('secret-host'), k2)).resolves.toBe('known');
    await expect(kh.verify(check('x.lab'), k3)).resolves.toBe('known');
    await expect(kh.verify(check('[127.0.0.1]:2222'), k4)).resolves.toBe('known');
    expect(await kh.keyTypes('x.lab', [file])).toEqual(['ecdsa-sha2-nistp256']);
  });

  it('refuses another key for a known name, naming the file and line', async () => {
    await writeFile(file, `# first line\n${line('other', blob())}${line('web1', blob())}`);
    const offered = blob();
    const err = await new KnownHosts().verify(check('web1'), offered).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SSH_HOSTKEY_MISMATCH' });
    expect((err as Error).message).toBe(
      `host key of web1 does not match ${file}:3 (the server offers ssh-ed25519 ${fingerprint(offered)})`,
    );
  });

  it('treats a @revoked key as a mismatch even when another line accepts it', async () => {
    const k = blob();
    await writeFile(file, line('web1', k) + `@revoked ${line('*', k)}`);
    await expect(new KnownHosts().verify(check('web1'), k)).rejects.toMatchObject({
      code: 'SSH_HOSTKEY_MISMATCH',
      message: `host key of web1 is revoked (@revoked in ${file}:2)`,
    });
  });

  it('refuses an unknown host unless accept-new (which appends it) or no', async () => {
    await writeFile(file, line('web1', blob()).trimEnd()); // no final newline
    const kh = new KnownHosts();
    const k = blob();
    await expect(kh.verify(check('web2'), k)).rejects.toMatchObject({ code: 'SSH_HOSTKEY_UNKNOWN' });
    await expect(kh.verify(check('web2', 'no'), k)).resolves.toBe('unchecked');
    await expect(kh.verify(check('web2', 'accept-new'), k)).resolves.toBe('added');
    await expect(kh.verify(check('web2'), k)).resolves.toBe('known');
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines[1]).toBe(line('web2', k).trimEnd());
    // accept-new still refuses a changed key
    await expect(kh.verify(check('web2', 'accept-new'), blob())).rejects.toMatchObject({
      code: 'SSH_HOSTKEY_MISMATCH',
    });
  });

  it('appends concurrent new hosts one line each, without corrupting the file', async () => {
    const file2 = join(dir, 'sub', 'known_hosts'); // a missing directory is created
    const keys = Array.from({ length: 30 }, () => blob());
    const kh = new KnownHosts();
    const verdicts = await Promise.all(
      keys.map((k, i) =>
        kh.verify(
          { name: `h${i % 15}`, files: [file2], policy: 'accept-new' },
          i < 15 ? k : (keys[i - 15] as Buffer),
        ),
      ),
    );
    expect(verdicts.filter((v) => v === 'added')).toHaveLength(15);
    const entries = parseKnownHosts(await readFile(file2, 'utf8'), file2);
    expect(entries.map((e) => e.names).sort()).toEqual(Array.from({ length: 15 }, (_, i) => `h${i}`).sort());
  });

  it('reads the file again when it changes', async () => {
    const kh = new KnownHosts();
    const k = blob();
    await expect(kh.verify(check('late'), k)).rejects.toMatchObject({ code: 'SSH_HOSTKEY_UNKNOWN' });
    await writeFile(file, line('late', k));
    await expect(kh.verify(check('late'), k)).resolves.toBe('known');
  });
});
