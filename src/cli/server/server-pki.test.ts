// The server's PKI: made once, reused, the embedded worker's certificate renewed when it nears its end.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { certificateProblem, certificateRole } from '../../security/index.ts';
import { ensureServerPki } from './server-pki.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('ensureServerPki', () => {
  it('makes a CA and a worker certificate once, keeps them, and renews the certificate 30 days before it ends', async () => {
    const base = await mkdtemp(join(tmpdir(), 'pogo-pki-'));
    dirs.push(base);
    const dir = join(base, 'pki');
    const first = await ensureServerPki(dir, 'pogo@test');
    expect(((await stat(dir)).mode & 0o777).toString(8)).toBe('700');
    const ca = new X509Certificate(first.caPem);
    const cert = new X509Certificate(first.certificate.pem);
    expect(certificateRole(cert)).toBe('worker');
    expect(certificateProblem(cert, { ca, role: 'worker' })).toBeUndefined();
    const again = await ensureServerPki(dir, 'pogo@test');
    expect(again.certificate.fingerprint256).toBe(first.certificate.fingerprint256);
    expect(again.caPem).toBe(first.caPem);
    const late = Date.parse(cert.validTo) - 10 * 86_400_000;
    const renewed = await ensureServerPki(dir, 'pogo@test', late);
    expect(renewed.certificate.fingerprint256).not.toBe(first.certificate.fingerprint256);
    expect(await readFile(join(dir, 'ca.crt'), 'utf8')).toBe(first.caPem);
  });
});
