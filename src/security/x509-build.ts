// Build, sign and PEM-encode one X.509 v3 certificate with @peculiar/asn1-x509 and node:crypto (ECDSA P-256, SHA-256).
import { createHash, randomBytes, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_kp_clientAuth,
  id_kp_serverAuth,
} from '@peculiar/asn1-x509';
import type { CertRole } from './cert-check.ts';
import { ROLE_URI_PREFIX } from './cert-check.ts';
import { pemEncode } from './pem.ts';
import type { SanEntry } from './san.ts';

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const COMMON_NAME = '2.5.4.3';

/** What goes into a certificate. Keys are node:crypto KeyObjects (EC P-256). */
export interface CertificateSpec {
  /** The subject's common name. */
  readonly commonName: string;
  readonly publicKey: KeyObject;
  /** The issuer: its common name and keys; for a self-signed CA, the subject's own. */
  readonly issuer: {
    readonly commonName: string;
    readonly publicKey: KeyObject;
    readonly privateKey: KeyObject;
  };
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** `ca`: a CA certificate (pathlen 0); a role: a leaf carrying `urn:pogo:role:ROLE`. */
  readonly kind: 'ca' | CertRole;
  /** DNS and IP subjectAltNames (leaves only). */
  readonly sans?: readonly SanEntry[] | undefined;
}

/** Sign `spec` with the issuer's key; returns the certificate as PEM. */
export function buildCertificate(spec: CertificateSpec): string {
  const signatureAlgorithm = new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 });
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: randomSerial(),
    signature: signatureAlgorithm,
    issuer: nameOf(spec.issuer.commonName),
    validity: new Validity({ notBefore: spec.notBefore, notAfter: spec.notAfter }),
    subject: nameOf(spec.commonName),
    subjectPublicKeyInfo: spkiOf(spec.publicKey),
    extensions: new Extensions(extensionsOf(spec)),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  // ECDSA signatures from node:crypto are DER (r, s): what X.509 expects in signatureValue.
  const signature = sign('sha256', tbsDer, spec.issuer.privateKey);
  const cert = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm,
    signatureValue: toArrayBuffer(signature),
  });
  return pemEncode('CERTIFICATE', new Uint8Array(AsnConvert.serialize(cert)));
}

/** SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2 method 1): the subject/authority key identifier. */
export function keyIdentifier(publicKey: KeyObject): Buffer {
  const bits = spkiOf(publicKey).subjectPublicKey;
  return createHash('sha1').update(Buffer.from(bits)).digest();
}

function extensionsOf(spec: CertificateSpec): Extension[] {
  const ski = keyIdentifier(spec.publicKey);
  if (spec.kind === 'ca') {
    return [
      extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: true, pathLenConstraint: 0 })),
      extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign)),
      extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(toArrayBuffer(ski))),
    ];
  }
  const names = [
    new GeneralName({ uniformResourceIdentifier: `${ROLE_URI_PREFIX}${spec.kind}` }),
    ...(spec.sans ?? []).map((s) =>
      s.kind === 'ip' ? new GeneralName({ iPAddress: s.value }) : new GeneralName({ dNSName: s.value }),
    ),
  ];
  const aki = new AuthorityKeyIdentifier({
    keyIdentifier: new KeyIdentifier(toArrayBuffer(keyIdentifier(spec.issuer.publicKey))),
  });
  // keyAgreement: the worker's key also receives ECDH password envelopes.
  const usage = KeyUsageFlags.digitalSignature | KeyUsageFlags.keyAgreement;
  const purpose = spec.kind === 'server' ? id_kp_serverAuth : id_kp_clientAuth;
  return [
    extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: false })),
    extension(id_ce_keyUsage, true, new KeyUsage(usage)),
    extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([purpose])),
    extension(id_ce_subjectAltName, false, new SubjectAlternativeName(names)),
    extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(toArrayBuffer(ski))),
    extension(id_ce_authorityKeyIdentifier, false, aki),
  ];
}

function extension(extnID: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

function nameOf(commonName: string): Name {
  return new Name([
    new RelativeDistinguishedName([
      new AttributeTypeAndValue({ type: COMMON_NAME, value: new AttributeValue({ utf8String: commonName }) }),
    ]),
  ]);
}

function spkiOf(publicKey: KeyObject): SubjectPublicKeyInfo {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return AsnConvert.parse(der, SubjectPublicKeyInfo);
}

/** 16 random bytes, positive (top bit clear) and with a non-zero first byte so the DER INTEGER is minimal. */
function randomSerial(): ArrayBuffer {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return toArrayBuffer(bytes);
}

function toArrayBuffer(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
