// ssh_config parsing: Host patterns, first value wins, keywords and tokens, errors with file:line:column.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPogoError } from '../model/errors.ts';
import { matchGlob, matchPatternList } from './host-pattern.ts';
import { emptySshConfig, parseSshConfig, readSshConfig, SSH_CONFIG_DEFAULTS } from './ssh-config.ts';

const env = { home: '/home/op', localUser: 'op' };
const parse = (text: string) => parseSshConfig(text, '/etc/test_config', env);

function errorOf(fn: () => unknown): { code: string; where: string; message: string } {
  try {
    fn();
  } catch (e: unknown) {
    if (!isPogoError(e)) throw e;
    const p = e.position;
    return { code: e.code, where: p ? `${p.file}:${p.line}:${p.column}` : '', message: e.message };
  }
  throw new Error('expected an error');
}

describe('host patterns', () => {
  it('match * and ? and ignore case', () => {
    expect(matchGlob('web01.example.com', 'web*.example.com')).toBe(true);
    expect(matchGlob('WEB1', 'web?')).toBe(true);
    expect(matchGlob('web10', 'web?')).toBe(false);
    expect(matchGlob('a', '*')).toBe(true);
    expect(matchGlob('abcabd', 'a*bd')).toBe(true);
  });

  it('need a positive match and no negated one', () => {
    expect(matchPatternList('web1', ['web*', '!web2'])).toBe(true);
    expect(matchPatternList('web2', ['web*', '!web2'])).toBe(false);
    expect(matchPatternList('db1', ['!web2'])).toBe(false);
  });
});

describe('parseSshConfig', () => {
  it('takes the first value of each keyword from the blocks that match', () => {
    const cfg = parse(`
# comment
Host web* !web9 db1
  HostName %h.example.com
  Port 2222
  User deploy
Host *
  Port 22
  User nobody
  ConnectTimeout 7
`);
    const t = cfg.resolveTarget('web1');
    expect(t).toMatchObject({
      host: 'web1',
      hostname: 'web1.example.com',
      port: 2222,
      user: 'deploy',
      connectTimeoutMs: 7000,
    });
    expect(cfg.resolveTarget('db1').port).toBe(2222);
    expect(cfg.resolveTarget('web9')).toMatchObject({ hostname: undefined, port: 22, user: 'nobody' });
  });

  it('reads every keyword Pogo honours, with tokens, ~ and quotes', () => {
    const cfg = parse(`
Host lab-0001
  HostKeyAlias lab-0001
Host lab-*
  HostName=127.0.0.1
  Port 2200
  IdentityFile ~/.ssh/id_%r
  IdentityFile "/keys/with space/%h_%p"
  IdentitiesOnly yes
  UserKnownHostsFile ~/kh1 /etc/kh2
  StrictHostKeyChecking accept-new
  ProxyJump jump@bastion:2022
  ServerAliveInterval 30
  User pogolab
  SendEnv POGO_*
  LogLevel ERROR
`);
    expect(cfg.resolveTarget('lab-0001')).toEqual({
      host: 'lab-0001',
      hostname: '127.0.0.1',
      port: 2200,
      user: 'pogolab',
      identityFiles: ['/home/op/.ssh/id_pogolab', '/keys/with space/127.0.0.1_2200'],
      hostKeyAlias: 'lab-0001',
      jump: 'jump@bastion:2022',
      knownHostsFiles: ['/home/op/kh1', '/etc/kh2'],
      strictHostKeyChecking: 'accept-new',
      connectTimeoutMs: SSH_CONFIG_DEFAULTS.connectTimeoutMs,
      keepaliveMs: 30_000,
      identitiesOnly: true,
    });
    expect(cfg.resolveTarget('lab-0002').hostKeyAlias).toBeUndefined();
  });

  it('gives Pogo defaults: strict host keys, the usual known_hosts files', () => {
    const t = emptySshConfig(env).resolveTarget('x');
    expect(t).toMatchObject({
      strictHostKeyChecking: 'yes',
      knownHostsFiles: ['/home/op/.ssh/known_hosts', '/home/op/.ssh/known_hosts2'],
      keepaliveMs: 15_000,
      identitiesOnly: false,
    });
    expect(t.identityFiles).toBeUndefined();
  });

  it('maps ask to yes and off to no, and ProxyJump none to no jump', () => {
    const cfg = parse(
      'Host a\n StrictHostKeyChecking ask\nHost b\n StrictHostKeyChecking off\n ProxyJump none\n',
    );
    expect(cfg.resolveTarget('a').strictHostKeyChecking).toBe('yes');
    expect(cfg.resolveTarget('b')).toMatchObject({ strictHostKeyChecking: 'no', jump: undefined });
  });

  it('skips Match blocks (except Match all) and ignores unknown keywords', () => {
    const cfg = parse('Match host x exec "true"\n  User skipped\nMatch all\n  Port 2\nCiphers aes128-ctr\n');
    expect(cfg.resolveTarget('x')).toMatchObject({ user: undefined, port: 2 });
  });

  it('reports bad values with file, line and column', () => {
    expect(errorOf(() => parse('Host a\n  Port 70000\n'))).toEqual({
      code: 'SSH_CONFIG_INVALID',
      where: '/etc/test_config:2:8',
      message: 'Port: "70000" is not a port (1-65535)',
    });
    expect(errorOf(() => parse('StrictHostKeyChecking maybe')).message).toMatch(/not yes, accept-new, no/);
    expect(errorOf(() => parse('ConnectTimeout 1.5')).where).toBe('/etc/test_config:1:16');
    expect(errorOf(() => parse('IdentitiesOnly perhaps')).message).toMatch(/not yes or no/);
    expect(errorOf(() => parse('User')).message).toBe('User needs a value');
    expect(errorOf(() => parse('Host')).message).toMatch(/at least one pattern/);
    expect(errorOf(() => parse('IdentityFile "/x')).message).toMatch(/unterminated quote/);
    expect(errorOf(() => parse('IdentityFile ~/%q')).message).toMatch(/unknown token %q/);
    expect(errorOf(() => parse('Port 22 23')).message).toMatch(/takes one value/);
  });

  it('reads a file, and names a missing one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pogo-sshcfg-'));
    try {
      await writeFile(join(dir, 'config'), 'Host *\n  User u1\n');
      expect((await readSshConfig(join(dir, 'config'), env)).resolveTarget('h').user).toBe('u1');
      await expect(readSshConfig(join(dir, 'missing'))).rejects.toMatchObject({ code: 'SSH_CONFIG_INVALID' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
