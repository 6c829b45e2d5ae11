// Test certificates made with the openssl CLI: a CA, a server certificate for 127.0.0.1, a worker certificate (roles in the SAN), and a stranger.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** PEM material of one party. */
export interface KeyPair {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly certFile: string;
  readonly keyFile: string;
}

/** Everything the worker-link tests need. */
export interface TestCerts {
  readonly ca: Buffer;
  readonly caFile: string;
  /** For 127.0.0.1 (IP SAN) and localhost (DNS SAN), signed by `ca`. */
  readonly server: KeyPair;
  /** CN=test-worker, signed by `ca`. */
  readonly worker: KeyPair;
  /** A second, unrelated CA and a client certificate it signed (CN=stranger): must be rejected. */
  readonly otherCa: Buffer;
  readonly otherCaFile: string;
  readonly stranger: KeyPair;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

async function openssl(dir: string, args: string[]): Promise<void> {
  await run('openssl', args, { cwd: dir });
}

async function makeCa(dir: string, name: string, cn: string): Promise<void> {
  await openssl(dir, [
    'req', '-x509', ...EC, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2',
    '-subj', `/CN=${cn}`,
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]); // prettier-ignore
}

async function issue(dir: string, ca: string, name: string, cn: string, ext: string): Promise<KeyPair> {
  await writeFile(join(dir, `${name}.ext`), ext);
  await openssl(dir, ['req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
  await openssl(dir, [
    'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-set_serial', `0x${randomBytes(8).toString('hex')}`,
    '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`,
  ]); // prettier-ignore
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  return { cert: await readFile(certFile), key: await readFile(keyFile), certFile, keyFile };
}

/** Generate the certificates in `dir` (an existing, empty directory). ECDSA P-256: well under a second. */
export async function makeTestCerts(dir: string): Promise<TestCerts> {
  await Promise.all([makeCa(dir, 'ca', 'Pogo Test CA'), makeCa(dir, 'other-ca', 'Other Test CA')]);
  const [server, worker, stranger] = await Promise.all([
    issue(
      dir,
      'ca',
      'server',
      '127.0.0.1',
      [
        'basicConstraints=CA:FALSE',
        'keyUsage=critical,digitalSignature',
        'extendedKeyUsage=serverAuth',
        'subjectAltName=IP:127.0.0.1,DNS:localhost,URI:urn:pogo:role:server',
        '',
      ].join('\n'),
    ),
    issue(
      dir,
      'ca',
      'worker',
      'test-worker',
      'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\nsubjectAltName=DNS:test-worker,URI:urn:pogo:role:worker\n',
    ),
    issue(
      dir,
      'other-ca',
      'stranger',
      'stranger',
      'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\nsubjectAltName=URI:urn:pogo:role:worker\n',
    ),
  ]);
  const caFile = join(dir, 'ca.crt');
  const otherCaFile = join(dir, 'other-ca.crt');
  return {
    ca: await readFile(caFile),
    caFile,
    server,
    worker,
    otherCa: await readFile(otherCaFile),
    otherCaFile,
    stranger,
  };
}
