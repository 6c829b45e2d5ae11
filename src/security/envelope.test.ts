// Envelopes open only with the recipient's key, fail closed when altered, and never carry the plaintext visibly.
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPogoError } from '../model/index.ts';
import { openBox, parseSealedBox, sealEnvelope, sealedEnvelopeSchema } from './envelope.ts';

let dir = '';
const made = new Map<string, { cert: X509Certificate; key: KeyObject }>();

function selfSigned(name: string, keyArgs: string[]): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      ...keyArgs,
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-days',
      '1',
      '-subj',
      `/CN=${name}`,
    ],
    { cwd: dir, stdio: 'pipe' },
  );
  made.set(name, {
    cert: new X509Certificate(readFileSync(join(dir, `${name}.crt`))),
    key: createPrivateKey(readFileSync(join(dir, `${name}.key`))),
  });
}

function get(name: string): { cert: X509Certificate; key: KeyObject } {
  const m = made.get(name);
  if (!m) throw new Error(name);
  return m;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pogo-envelope-'));
  selfSigned('ec1', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']);
  selfSigned('ec2', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384']);
  selfSigned('rsa', ['-newkey', 'rsa:2048']);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRET = 'correct horse battery staple';

describe('password envelopes', () => {
  it('seal to EC and RSA certificates; each recipient opens its own box', () => {
    const env = sealEnvelope(
      { password: SECRET, sshKey: 'KEY-TEXT' },
      ['ec1', 'ec2', 'rsa'].map((n) => get(n).cert),
    );
    expect(sealedEnvelopeSchema.parse(env)).toEqual(env);
    expect(JSON.stringify(env)).not.toContain(SECRET);
    expect(JSON.stringify(env)).not.toContain(Buffer.from(SECRET).toString('base64'));
    for (const [i, name] of ['ec1', 'ec2', 'rsa'].entries()) {
      const { cert, key } = get(name);
      const box = env.boxes[i];
      if (!box) throw new Error('box');
      expect(box.to).toBe(cert.fingerprint256);
      expect(openBox(parseSealedBox(JSON.stringify(box)), key, cert.fingerprint256)).toEqual({
        password: SECRET,
        sshKey: 'KEY-TEXT',
      });
    }
  });

  it('refuse another key, another fingerprint, and any altered field, without quoting the contents', () => {
    const { cert, key } = get('ec1');
    const [box] = sealEnvelope({ password: SECRET }, [cert]).boxes;
    if (!box) throw new Error('box');
    const fp = cert.fingerprint256;
    const attempts: (() => unknown)[] = [
      () => openBox(box, get('ec2').key, fp),
      () => openBox(box, key, get('ec2').cert.fingerprint256),
      () => openBox({ ...box, data: flip(box.data) }, key, fp),
      () => openBox({ ...box, tag: flip(box.tag) }, key, fp),
      () => openBox({ ...box, iv: flip(box.iv) }, key, fp),
      () => openBox({ ...box, alg: 'RSA-OAEP-256+A256GCM' }, key, fp),
      () => parseSealedBox('{"to":"nope"}'),
    ];
    for (const attempt of attempts) {
      let caught: unknown;
      try {
        attempt();
      } catch (e: unknown) {
        caught = e;
      }
      expect(isPogoError(caught, 'ENVELOPE_UNREADABLE')).toBe(true);
      expect(String((caught as Error).message)).not.toContain(SECRET);
      expect((caught as Error).cause).toBeUndefined();
    }
  });

  it('needs at least one recipient', () => {
    expect(() => sealEnvelope({ password: SECRET }, [])).toThrow(/no worker certificate/);
  });
});

function flip(b64: string): string {
  const b = Buffer.from(b64, 'base64');
  b[0] = (b[0] ?? 0) ^ 1;
  return b.toString('base64');
}
