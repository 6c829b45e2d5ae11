// Password envelopes (ARCHITECTURE.md §7): the operator's secrets sealed to each worker's certificate key, opened only there.
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
} from 'node:crypto';
import type { X509Certificate, KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { SealedBox, SealedEnvelope } from '../model/index.ts';
import { PogoError } from '../model/index.ts';

/** What an operator hands to the workers for one job: never stored, never logged. */
export interface EnvelopeSecrets {
  /** For SSH password authentication and sudo prompts. */
  readonly password?: string | undefined;
  /** An SSH private key (OpenSSH or PEM text, unencrypted), used in memory by the worker. */
  readonly sshKey?: string | undefined;
}

/** Largest sealed box accepted (a 16 KiB RSA key plus a password fits easily). */
export const MAX_BOX_BYTES = 64 * 1024;
/** Most recipients one envelope may have. */
export const MAX_RECIPIENTS = 1000;

const b64 = z
  .string()
  .max(MAX_BOX_BYTES)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');

/** One recipient's box: `to` is the SHA-256 fingerprint of its certificate (as Node prints it). */
export const sealedBoxSchema = z
  .strictObject({
    to: z.string().regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/, 'a SHA-256 certificate fingerprint'),
    alg: z.enum(['ECDH-ES+HKDF-SHA256+A256GCM', 'RSA-OAEP-256+A256GCM']),
    /** ECDH: the ephemeral public key (SPKI DER); RSA: the content key wrapped with OAEP. */
    key: b64,
    iv: b64,
    tag: b64,
    data: b64,
  })
  .readonly() satisfies z.ZodType<SealedBox>;

/** What a client submits: one box per worker certificate. The server treats it as opaque. */
export const sealedEnvelopeSchema = z
  .strictObject({
    v: z.literal(1),
    boxes: z.array(sealedBoxSchema).min(1).max(MAX_RECIPIENTS).readonly(),
  })
  .readonly() satisfies z.ZodType<SealedEnvelope>;

const secretsSchema = z.strictObject({
  password: z.string().max(4096).optional(),
  sshKey: z
    .string()
    .max(32 * 1024)
    .optional(),
});

/** Seal `secrets` to each certificate's public key (EC: ephemeral ECDH + HKDF; RSA: OAEP-SHA256), AES-256-GCM. */
export function sealEnvelope(
  secrets: EnvelopeSecrets,
  recipients: readonly X509Certificate[],
): SealedEnvelope {
  if (recipients.length === 0) {
    throw new PogoError('ENVELOPE_INVALID', 'no worker certificate to seal the password to', {
      hint: 'start a worker (pogo worker) or the embedded one, then try again',
    });
  }
  const plain = Buffer.from(JSON.stringify(secretsSchema.parse(secrets)), 'utf8');
  try {
    return { v: 1, boxes: recipients.map((cert) => sealBox(plain, cert)) };
  } finally {
    plain.fill(0);
  }
}

function sealBox(plain: Buffer, cert: X509Certificate): SealedBox {
  const to = cert.fingerprint256;
  const pub = cert.publicKey;
  let alg: SealedBox['alg'];
  let key: Buffer;
  let cek: Buffer;
  if (pub.asymmetricKeyType === 'ec') {
    alg = 'ECDH-ES+HKDF-SHA256+A256GCM';
    const namedCurve = pub.asymmetricKeyDetails?.namedCurve ?? 'prime256v1';
    const eph = generateKeyPairSync('ec', { namedCurve });
    key = eph.publicKey.export({ type: 'spki', format: 'der' });
    cek = deriveKey(diffieHellman({ privateKey: eph.privateKey, publicKey: pub }), key, to);
  } else if (pub.asymmetricKeyType === 'rsa') {
    alg = 'RSA-OAEP-256+A256GCM';
    cek = randomBytes(32);
    key = publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, cek);
  } else {
    throw new PogoError(
      'ENVELOPE_INVALID',
      `worker certificate ${to} has a ${pub.asymmetricKeyType ?? 'unknown'} key; envelopes need an EC or RSA key`,
    );
  }
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', cek, iv);
  cipher.setAAD(aad(alg, to));
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  cek.fill(0);
  return {
    to,
    alg,
    key: key.toString('base64'),
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

/**
 * Open the box sealed to this worker: `privateKey` is the worker's certificate key and `fingerprint` its
 * certificate's fingerprint256. ENVELOPE_UNREADABLE when it is not for this key or was altered; the
 * message never includes any part of the contents.
 */
export function openBox(box: SealedBox, privateKey: KeyObject, fingerprint: string): EnvelopeSecrets {
  if (box.to !== fingerprint) {
    throw new PogoError(
      'ENVELOPE_UNREADABLE',
      `the password envelope is sealed to certificate ${box.to}, not to this worker's (${fingerprint})`,
    );
  }
  let cek: Buffer;
  try {
    const key = Buffer.from(box.key, 'base64');
    if (box.alg === 'ECDH-ES+HKDF-SHA256+A256GCM') {
      const epk = createPublicKey({ key, format: 'der', type: 'spki' });
      cek = deriveKey(diffieHellman({ privateKey, publicKey: epk }), key, box.to);
    } else {
      cek = privateDecrypt(
        { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
        key,
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', cek, Buffer.from(box.iv, 'base64'));
    decipher.setAAD(aad(box.alg, box.to));
    decipher.setAuthTag(Buffer.from(box.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(box.data, 'base64')), decipher.final()]);
    cek.fill(0);
    try {
      return secretsSchema.parse(JSON.parse(plain.toString('utf8')));
    } finally {
      plain.fill(0);
    }
  } catch (e: unknown) {
    // The cause is dropped on purpose: crypto and JSON errors could quote the plaintext.
    void e;
    throw new PogoError(
      'ENVELOPE_UNREADABLE',
      `the password envelope for certificate ${box.to} cannot be opened with this worker's key (another key, or altered)`,
    );
  }
}

/** Parse and validate a box as it crosses the worker link (a JSON string). */
export function parseSealedBox(text: string): SealedBox {
  try {
    return sealedBoxSchema.parse(JSON.parse(text));
  } catch {
    throw new PogoError('ENVELOPE_UNREADABLE', 'the password envelope sent with the task is malformed');
  }
}

function deriveKey(shared: Buffer, salt: Buffer, to: string): Buffer {
  const out = Buffer.from(hkdfSync('sha256', shared, salt, `pogo envelope v1 ${to}`, 32));
  shared.fill(0);
  return out;
}

function aad(alg: string, to: string): Buffer {
  return Buffer.from(`pogo-envelope-v1|${alg}|${to}`, 'utf8');
}
