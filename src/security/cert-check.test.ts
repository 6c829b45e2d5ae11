// certificateRole reads the role URI; certificateProblem names what is wrong (tested on openssl-made certificates).
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateProblem, certificateRole } from './cert-check.ts';

let dir = '';
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function makeCa(name: string): void {
  openssl(
    'req',
    '-x509',
    ...EC,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
  );
}

function issue(ca: string, name: string, san: string): void {
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
  openssl('req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '1',
    '-extfile',
    `${name}.ext`,
  );
}

function cert(name: string): X509Certificate {
  return new X509Certificate(readFileSync(join(dir, `${name}.crt`)));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pogo-cert-check-'));
  makeCa('ca');
  makeCa('other');
  issue('ca', 'w1', 'DNS:w1,URI:urn:pogo:role:worker');
  issue('ca', 's1', 'DNS:s1,URI:urn:pogo:role:server');
  issue('ca', 'both', 'URI:urn:pogo:role:server,URI:urn:pogo:role:worker');
  issue('ca', 'none', 'DNS:none');
  issue('other', 'stranger', 'URI:urn:pogo:role:worker');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('certificateRole', () => {
  it('reads exactly one role URI', () => {
    expect(certificateRole(cert('w1'))).toBe('worker');
    expect(certificateRole(cert('s1'))).toBe('server');
    expect(certificateRole(cert('both'))).toBeUndefined();
    expect(certificateRole(cert('none'))).toBeUndefined();
  });
});

describe('certificateProblem', () => {
  it('accepts a worker certificate of the CA and names every refusal', () => {
    const ca = cert('ca');
    expect(certificateProblem(cert('w1'), { ca, role: 'worker' })).toBeUndefined();
    expect(certificateProblem(cert('s1'), { ca, role: 'worker' })).toBe(
      'certificate CN=s1 has role server, worker needed',
    );
    expect(certificateProblem(cert('none'), { ca, role: 'worker' })).toBe(
      'certificate CN=none has role none, worker needed',
    );
    expect(certificateProblem(cert('stranger'), { ca, role: 'worker' })).toBe(
      'certificate CN=stranger is not signed by the Pogo CA (CN=ca)',
    );
    const later = Date.now() + 3 * 86_400_000;
    expect(certificateProblem(cert('w1'), { ca, role: 'worker', now: later })).toMatch(
      /^certificate CN=w1 expired on /,
    );
    expect(certificateProblem(cert('w1'), { ca, role: 'worker', now: 0 })).toMatch(
      /^certificate CN=w1 is not valid before /,
    );
  });
});
