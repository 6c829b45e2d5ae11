// `pogo server --tls-cert/--tls-key` as a process: the API answers over HTTPS only, and the CLI trusts it with --ca.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { PogoProcess } from './support/pogo-server.ts';
import { spawnPogo, waitForOutput } from './support/pogo-server.ts';
import { runPogo } from './support/run-pogo.ts';

let dir = '';
let server: PogoProcess | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-https-'));
  await promisify(execFile)('openssl', [
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'],
    ...['-keyout', join(dir, 'api.key'), '-out', join(dir, 'api.crt'), '-days', '1'],
    ...['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
  ]);
}, 30_000);

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('serves HTTPS with --tls-cert/--tls-key; `pogo users list --ca` works with the first admin token', async () => {
  const env = { HOME: dir, XDG_CONFIG_HOME: join(dir, 'config') };
  const data = join(dir, 'data');
  server = spawnPogo(
    [
      ...['server', '--listen', '127.0.0.1:0', '--data', data, '--no-worker'],
      ...['--tls-cert', join(dir, 'api.crt'), '--tls-key', join(dir, 'api.key')],
    ],
    env,
  );
  const url = (await waitForOutput(server, /API (https:\/\/127\.0\.0\.1:\d+)/, 60_000))[1] ?? '';
  await waitForOutput(server, /admin token in/, 30_000);
  const token = (await readFile(join(data, 'admin.token'), 'utf8')).trim();
  const plain = await fetch(url.replace('https:', 'http:') + '/healthz').then(
    (r) => r.status,
    () => 'refused',
  );
  expect(plain).not.toBe(200);
  const list = await runPogo(['users', 'list', '--json', '--server', url, '--ca', join(dir, 'api.crt')], {
    env: { ...env, POGO_TOKEN: token, POGO_SERVER: undefined, POGO_CA: undefined },
  });
  expect(list.stderr).toBe('');
  expect(list.code).toBe(0);
  expect(JSON.parse(list.stdout)).toMatchObject({
    items: [
      {
        name: 'admin',
        grants: [{ namespace: '*', role: 'admin' }],
        tokens: [{ label: 'first admin token' }],
      },
    ],
  });
  const noCa = await runPogo(['users', 'list', '--server', url], {
    env: { ...env, POGO_TOKEN: token, POGO_SERVER: undefined, POGO_CA: undefined },
  });
  expect(noCa.code).toBe(69);
  expect(noCa.stderr).toMatch(/TLS/);
}, 120_000);
