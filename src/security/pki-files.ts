// The files of a Pogo PKI directory: write certificates and keys (keys 0600, no silent overwrite), read them back.
import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PogoError } from '../model/index.ts';
import type { CertAuthority, IssuedPem } from './ca.ts';
import { loadCa } from './ca.ts';
import { writeSecretFile } from './pem.ts';

/** The default PKI directory of `pogo certs` (relative to the working directory). */
export const DEFAULT_PKI_DIR = 'pogo-pki';

const NO_CA_HINT = 'make a CA with pogo certs init (or pass --dir)';

/** Where a certificate and its key went. */
export interface WrittenPair {
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * Write `pair` as DIR/BASE.crt (0644) and DIR/BASE.key (0600), creating DIR (0700) when missing.
 * Throws CERT_FAILED when a file exists and `force` is not set, or when writing fails.
 */
export async function writePair(
  dir: string,
  base: string,
  pair: IssuedPem,
  force = false,
): Promise<WrittenPair> {
  const certFile = join(dir, `${base}.crt`);
  const keyFile = join(dir, `${base}.key`);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (!force) {
      for (const file of [certFile, keyFile]) {
        if (await exists(file)) {
          throw new PogoError('CERT_FAILED', `${file} exists; not overwriting it`, {
            hint: 'pass --force to replace it (certificates signed by an old CA stop working)',
          });
        }
      }
    }
    await writeSecretFile(keyFile, pair.keyPem, !force);
    await writeFile(certFile, pair.certPem, { mode: 0o644, flag: force ? 'w' : 'wx' });
  } catch (e: unknown) {
    if (e instanceof PogoError) throw e;
    throw new PogoError('CERT_FAILED', `cannot write ${base}.crt and ${base}.key in ${dir}: ${message(e)}`, {
      cause: e,
    });
  }
  return { certFile, keyFile };
}

/** Load DIR/ca.crt and DIR/ca.key. Throws CERT_INVALID when missing or unusable. */
export async function readCa(dir: string): Promise<CertAuthority> {
  const certFile = join(dir, 'ca.crt');
  const keyFile = join(dir, 'ca.key');
  const [certPem, keyPem] = await Promise.all([
    readText(certFile, NO_CA_HINT),
    readText(keyFile, NO_CA_HINT),
  ]);
  return loadCa(certPem, keyPem, `${certFile} and ${keyFile}`);
}

/** A PEM file's text. Throws CERT_INVALID naming the file when it cannot be read. */
export async function readText(file: string, hint?: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e: unknown) {
    throw new PogoError('CERT_INVALID', `cannot read ${file}: ${message(e)}`, {
      cause: e,
      hint: (e as NodeJS.ErrnoException).code === 'ENOENT' ? hint : undefined,
    });
  }
}

/** A PEM certificate (the first one in `pem`). Throws CERT_INVALID naming `source`. */
export function parseCertificate(pem: string | Buffer, source: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (e: unknown) {
    throw new PogoError('CERT_INVALID', `${source}: not a PEM certificate`, { cause: e });
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
