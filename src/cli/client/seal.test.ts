// The client seals only to worker certificates its CA vouches for, and says why it refused the others.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCerts } from '../../../test/support/certs.ts';
import type { TestCerts } from '../../../test/support/certs.ts';
import type { WorkerCertificate } from '../../model/index.ts';
import { trusted, workerCaPath } from './seal.ts';

let dir = '';
let certs: TestCerts;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-seal-'));
  certs = await makeTestCerts(dir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function listed(name: string, pem: Buffer, fingerprint?: string): WorkerCertificate {
  const x = new X509Certificate(pem);
  return { name, certificate: pem.toString(), fingerprint: fingerprint ?? x.fingerprint256, connected: true };
}

describe('trusted', () => {
  it('keeps worker certificates of the CA; refuses strangers, server certificates and lying fingerprints', () => {
    const ca = new X509Certificate(certs.ca);
    const other = new X509Certificate(certs.otherCa);
    const worker = listed('w1', certs.worker.cert);
    const ok = trusted([worker], [ca], 'ca.crt');
    expect(ok.map((c) => c.fingerprint256)).toEqual([worker.fingerprint]);
    // A bundle: either CA may vouch.
    expect(trusted([worker, listed('s', certs.stranger.cert)], [other, ca], 'bundle.crt')).toHaveLength(2);
    let caught: unknown;
    try {
      trusted(
        [
          listed('stranger', certs.stranger.cert),
          listed('server', certs.server.cert),
          listed('liar', certs.worker.cert, 'AA:BB'),
          { name: 'junk', certificate: 'nope', fingerprint: 'x', connected: false },
        ],
        [ca],
        'ca.crt',
      );
    } catch (e: unknown) {
      caught = e;
    }
    expect(caught).toMatchObject({ code: 'ENVELOPE_INVALID' });
    const message = (caught as Error).message;
    expect(message).toContain('stranger: certificate CN=stranger is not signed by the Pogo CA');
    expect(message).toContain('server: certificate CN=127.0.0.1 has role server, worker needed');
    expect(message).toContain('liar: its fingerprint does not match');
    expect(message).toContain('junk: not a certificate');
    expect(() => trusted([], [ca], 'ca.crt')).toThrow(/lists no worker certificate/);
  });

  it('finds the worker CA from the flag, the environment, or beside the profile', () => {
    const sources = { env: {}, homeDir: '/home/ann' };
    expect(workerCaPath({ workerCa: '/x.pem' }, sources)).toBe('/x.pem');
    expect(workerCaPath({}, { ...sources, env: { POGO_WORKER_CA: '/e.pem' } })).toBe('/e.pem');
    expect(workerCaPath({}, sources)).toBe('/home/ann/.config/pogo/worker-ca.pem');
  });
});
