// `pogo server` flags of the API's security: HTTPS files and trusted-proxy mode, each pair all or nothing.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerFlags } from './server-command.ts';
import { compileServerOptions, defaultWebRoot, webUiLine } from './server-command.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-server-flags-'));
  await writeFile(join(dir, 'api.crt'), 'CERT');
  await writeFile(join(dir, 'api.key'), 'KEY');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const base = (): ServerFlags => ({
  listen: '127.0.0.1:0',
  data: join(dir, 'data'),
  workerListen: '127.0.0.1:0',
  worker: false,
  capacity: '1',
  workerGrace: '60s',
  retention: '90d',
  transport: 'local',
  identity: [],
  connectRate: '50',
  roles: 'api,dispatcher',
  notify: [],
  notifySlack: [],
});

describe('pogo server: API security flags', () => {
  it('listens on loopback, over plain HTTP, with no trusted proxy by default', async () => {
    const o = await compileServerOptions({ ...base(), listen: '127.0.0.1:7657' });
    expect(o.listenHost).toBe('127.0.0.1');
    expect(o.apiTls).toBeUndefined();
    expect(o.trustedProxy).toBeUndefined();
  });

  it('reads --tls-cert and --tls-key, and wants both', async () => {
    const o = await compileServerOptions({
      ...base(),
      tlsCert: join(dir, 'api.crt'),
      tlsKey: join(dir, 'api.key'),
    });
    expect(o.apiTls?.cert.toString()).toBe('CERT');
    expect(o.apiTls?.key.toString()).toBe('KEY');
    await expect(compileServerOptions({ ...base(), tlsCert: join(dir, 'api.crt') })).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringContaining('--tls-cert and --tls-key go together') as unknown,
    });
    await expect(
      compileServerOptions({ ...base(), tlsCert: join(dir, 'nope'), tlsKey: join(dir, 'api.key') }),
    ).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringContaining('--tls-cert: cannot read') as unknown,
    });
  });

  it('checks --trusted-proxy networks and --user-header, and wants both', async () => {
    const o = await compileServerOptions({
      ...base(),
      trustedProxy: '10.0.0.0/8, ::1/128,192.168.1.7',
      userHeader: 'X-Forwarded-User',
    });
    expect(o.trustedProxy).toEqual({
      networks: ['10.0.0.0/8', '::1/128', '192.168.1.7'],
      userHeader: 'X-Forwarded-User',
    });
    for (const [trustedProxy, userHeader, message] of [
      ['10.0.0.0/8', undefined, 'go together'],
      ['10.0.0.0/33', 'X-User', 'is not an address or CIDR'],
      ['web.example.com', 'X-User', 'is not an address or CIDR'],
      ['10.0.0.1', 'Authorization', 'is not a header name'],
      ['10.0.0.1', 'X User', 'is not a header name'],
    ] as const) {
      await expect(
        compileServerOptions({ ...base(), trustedProxy, ...(userHeader && { userHeader }) }),
      ).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining(message) as unknown });
    }
  });
});

describe('pogo server: --retention', () => {
  it('defaults to 90 days, takes off, and refuses garbage or less than an hour', async () => {
    expect((await compileServerOptions(base())).retentionMs).toBe(90 * 86_400_000);
    expect((await compileServerOptions({ ...base(), retention: '30d12h' })).retentionMs).toBe(
      30.5 * 86_400_000,
    );
    expect((await compileServerOptions({ ...base(), retention: 'off' })).retentionMs).toBeUndefined();
    for (const [retention, message] of [
      ['90', 'is not a duration'],
      ['soon', 'is not a duration'],
      ['10m', 'is under an hour'],
    ] as const) {
      await expect(compileServerOptions({ ...base(), retention })).rejects.toMatchObject({
        code: 'USAGE',
        message: expect.stringContaining(message) as unknown,
      });
    }
  });
});

describe('pogo server: the web UI', () => {
  it('serves the UI built into Pogo by default, another with --web-root, none with --no-ui', async () => {
    expect((await compileServerOptions(base())).webRoot).toBe(defaultWebRoot());
    expect(defaultWebRoot()).toMatch(/dist[/\\]web$/);
    expect((await compileServerOptions({ ...base(), ui: false })).webRoot).toBeUndefined();
    const root = join(dir, 'ui');
    await mkdir(root, { recursive: true });
    await writeFile(join(root, 'index.html'), '<!doctype html>');
    expect((await compileServerOptions({ ...base(), webRoot: root })).webRoot).toBe(root);
    expect(webUiLine({ webRoot: root, dataDir: '/d' }, 'http://h:1', true)).toBe(
      "web UI http://h:1/ (log in with an API token; the first admin's is in /d/admin.token)",
    );
    // Run from a checkout without a build: the server starts and says how to build the UI.
    expect(webUiLine({ webRoot: join(dir, 'empty'), dataDir: '/d' }, 'http://h:1', true)).toMatch(
      /^web UI not built \(no .*index\.html\): run `npm run build:web`/,
    );
    expect(webUiLine({ webRoot: undefined, dataDir: '/d' }, 'http://h:1', false)).toMatch(/^web UI off/);
    await expect(compileServerOptions({ ...base(), webRoot: join(dir, 'nothing') })).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringContaining('has no index.html') as unknown,
    });
  });
});
