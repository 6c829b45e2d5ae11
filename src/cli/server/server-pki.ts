// The server's own PKI (DATA/pki): a CA made at the first start, and the embedded worker's certificate from it.
import { X509Certificate } from 'node:crypto';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { LinkCertificate } from '../../dispatcher/index.ts';
import {
  certificateProblem,
  createCa,
  issueCertificate,
  readCa,
  readText,
  writePair,
} from '../../security/index.ts';
import type { WorkerIdentity } from '../../worker/index.ts';
import { workerIdentity } from '../../worker/index.ts';

/** What the embedded worker needs, and the CA clients seal its envelopes against. */
export interface ServerPki {
  readonly dir: string;
  readonly caFile: string;
  readonly caPem: string;
  readonly identity: WorkerIdentity;
  readonly certificate: LinkCertificate;
}

/** Renew the embedded worker's certificate when it has less than this left. */
const RENEW_BEFORE_MS = 30 * 86_400_000;
const EMBEDDED = 'embedded-worker';

/**
 * Make DIR/ca.{crt,key} when there is no CA yet (an operator's own, from `pogo certs init --dir DIR`, is
 * used as it is), and DIR/embedded-worker.{crt,key} from it when missing, not from this CA, or expiring
 * within 30 days. Keys are 0600 in a 0700 directory.
 */
export async function ensureServerPki(dir: string, serverName: string, now = Date.now()): Promise<ServerPki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const caFile = join(dir, 'ca.crt');
  if (!(await exists(caFile))) await writePair(dir, 'ca', createCa({ name: `Pogo CA (${serverName})` }));
  const ca = await readCa(dir);
  const certFile = join(dir, `${EMBEDDED}.crt`);
  const keyFile = join(dir, `${EMBEDDED}.key`);
  let certPem = (await exists(certFile)) ? await readText(certFile) : undefined;
  if (certPem === undefined || needsRenewal(certPem, ca.cert, now)) {
    await writePair(dir, EMBEDDED, issueCertificate(ca, { role: 'worker', name: EMBEDDED }), true);
    certPem = await readText(certFile);
  }
  const keyPem = await readText(keyFile);
  const cert = new X509Certificate(certPem);
  return {
    dir,
    caFile,
    caPem: ca.certPem,
    identity: workerIdentity(certPem, keyPem),
    certificate: { pem: cert.toString(), fingerprint256: cert.fingerprint256 },
  };
}

/**
 * Write the CAs a client on this machine should trust for envelopes (`worker-ca.pem` beside its profile)
 * when there is no such file yet: the server's own CA, and the worker port's `--ca` when it differs.
 * Returns the file written, or undefined when one was there.
 */
export async function writeClientWorkerCa(
  profileFile: string,
  cas: readonly string[],
): Promise<string | undefined> {
  const file = join(dirname(profileFile), 'worker-ca.pem');
  if (await exists(file)) return undefined;
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const unique = [...new Set(cas.map((c) => c.trim()))].join('\n');
  await writeFile(file, `${unique}\n`, { mode: 0o644, flag: 'wx' }).catch(() => undefined);
  return file;
}

function needsRenewal(certPem: string, ca: X509Certificate, now: number): boolean {
  try {
    const cert = new X509Certificate(certPem);
    if (certificateProblem(cert, { ca, role: 'worker', now: now + RENEW_BEFORE_MS }) !== undefined)
      return true;
    return false;
  } catch {
    return true;
  }
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
