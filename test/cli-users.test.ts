// `pogo users`, `pogo login`, `pogo audit` as processes: offline on a data directory, and over a real HTTPS port.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildApi } from '../src/api/index.ts';
import type { UserView } from '../src/model/index.ts';
import { Accounts } from '../src/security/index.ts';
import type { Store } from '../src/store/index.ts';
import { openSqliteStore } from '../src/store/index.ts';
import { MemoryService } from './support/memory-service.ts';
import { POGO_BIN, pogoEnv } from './support/run-pogo.ts';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let dir = '';
let data = '';
let home = '';
let store: Store;
let app: FastifyInstance;
let url = '';
let rootToken = '';
let certFile = '';

/** Run pogo with a private config home (no user profile leaks in), optionally feeding stdin. */
function pogo(args: readonly string[], stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [POGO_BIN, ...args], {
      env: pogoEnv({
        XDG_CONFIG_HOME: home,
        HOME: home,
        POGO_SERVER: undefined,
        POGO_TOKEN: undefined,
        POGO_CA: undefined,
      }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-cli-users-'));
  data = join(dir, 'data');
  home = join(dir, 'home');
  certFile = join(dir, 'api.crt');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    join(dir, 'api.key'),
    '-out',
    certFile,
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ]);
  const { mkdir } = await import('node:fs/promises');
  await mkdir(data, { recursive: true });
  store = openSqliteStore(join(data, 'pogo.db'));
  await store.migrate();
  const accounts = new Accounts(store);
  const setup = { user: 'setup', role: 'admin', remote: 'test' } as const;
  rootToken = (await accounts.addUser('root', [{ namespace: '*', role: 'admin' }], {}, setup)).token;
  app = await buildApi({
    service: new MemoryService(),
    accounts,
    logger: false,
    https: { cert: await readFile(certFile), key: await readFile(join(dir, 'api.key')) },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  url = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}, 60_000);

afterAll(async () => {
  await app.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('pogo users, login, audit', () => {
  test('offline with --data: add prints the token alone on stdout; list shows grants and no secret', async () => {
    const added = await pogo([
      'users',
      'add',
      'bob',
      '--role',
      'operator',
      '--namespace',
      'web',
      '--expires',
      '30d',
      '--data',
      data,
    ]);
    expect(added).toMatchObject({ code: 0, stderr: expect.stringContaining('operator on web') as unknown });
    const token = added.stdout.trim();
    expect(token).toMatch(/^pogo_[A-Za-z0-9_-]{40,}$/);
    const list = await pogo(['users', 'list', '--json', '--data', data]);
    expect(list.code).toBe(0);
    const bob = (JSON.parse(list.stdout) as { items: UserView[] }).items.find((u) => u.name === 'bob');
    expect(bob?.grants).toEqual([{ namespace: 'web', role: 'operator' }]);
    expect(bob?.tokens[0]?.expiresAt).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(list.stdout).not.toContain(token);
    const table = await pogo(['users', 'list', '--data', data]);
    expect(table.stdout).toMatch(/bob .*operator on web/);
    const bad = await pogo(['users', 'add', 'eve', '--role', 'boss', '--data', data]);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('--role: "boss"');
  }, 60_000);

  test('login over HTTPS with --ca and --token-stdin writes a 0600 profile; the role decides what it may do', async () => {
    const carol = (
      await pogo([
        'users',
        'add',
        'carol',
        '--role',
        'viewer',
        '--server',
        url,
        '--ca',
        certFile,
        '--token',
        rootToken,
      ])
    ).stdout.trim();
    expect(carol).toMatch(/^pogo_/);
    const untrusted = await pogo(['login', '--server', url, '--token-stdin'], `${carol}\n`);
    expect(untrusted.code).not.toBe(0);
    expect(untrusted.stderr).toMatch(/TLS|certificate/i);
    const login = await pogo(['login', '--server', url, '--ca', certFile, '--token-stdin'], `${carol}\n`);
    expect(login).toMatchObject({ code: 0 });
    expect(login.stdout).toContain('as carol (viewer on *)');
    expect(login.stdout + login.stderr).not.toContain(carol);
    const profile = join(home, 'pogo', 'config.yaml');
    expect((await stat(profile)).mode & 0o777).toBe(0o600);
    const text = await readFile(profile, 'utf8');
    expect(text).toContain(`server: ${url}`);
    expect(text).toContain(`ca: ${certFile}`);
    // The profile's viewer token is not enough to manage users.
    const refused = await pogo(['users', 'list']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/needs the admin role on every namespace/);
    const wrong = await pogo(['login', '--server', url, '--ca', certFile, '--token-stdin'], 'pogo_nope\n');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('unknown or revoked token');
  }, 60_000);

  test('token, grant, revoke over the API; the audit table shows who did it', async () => {
    const admin = ['--server', url, '--ca', certFile, '--token', rootToken];
    const issued = await pogo(['users', 'token', 'carol', '--label', 'ci', '--json', ...admin]);
    expect(issued.code).toBe(0);
    const { info } = JSON.parse(issued.stdout) as { info: { id: string } };
    expect(
      (await pogo(['users', 'grant', 'carol', '--role', 'admin', '--namespace', 'db', ...admin])).code,
    ).toBe(0);
    const ungrant = await pogo(['users', 'ungrant', 'carol', '--namespace', 'db', '--data', data]);
    expect(ungrant).toMatchObject({ code: 0, stderr: 'carol: viewer on *\n' });
    const revoke = await pogo(
      ['users', 'revoke', 'carol', '--token', info.id, '--server', url, '--ca', certFile],
      undefined,
    );
    // `revoke --token` takes the API token from the profile (carol's viewer token): refused.
    expect(revoke.code).not.toBe(0);
    const revoked = await pogo(['users', 'revoke', 'carol', '--token', info.id, '--data', data]);
    expect(revoked).toMatchObject({
      code: 0,
      stderr: expect.stringContaining(`token ${info.id} of carol revoked`) as unknown,
    });
    const audit = await pogo(['audit', '--since', '1h', ...admin]);
    expect(audit.code).toBe(0);
    expect(audit.stdout).toMatch(/root .*token\.create .*carol/);
    expect(audit.stdout).toMatch(/local:\S+ .*token\.revoke/);
    const json = await pogo(['audit', '--json', '--action', 'user.', '--data', data]);
    const actions = json.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { action: string }).action);
    expect(actions).toEqual(['user.ungrant', 'user.grant', 'user.add', 'user.add', 'user.add']);
  }, 60_000);
});
