// The shape of a sealed password envelope as it crosses the API and the worker link (opaque to servers).

/** One worker's box: readable only with the private key of the certificate whose fingerprint is `to`. */
export interface SealedBox {
  /** SHA-256 fingerprint of the worker certificate, `AB:CD:…` as Node prints it. */
  readonly to: string;
  readonly alg: 'ECDH-ES+HKDF-SHA256+A256GCM' | 'RSA-OAEP-256+A256GCM';
  /** Base64: the ephemeral public key (ECDH) or the wrapped content key (RSA). */
  readonly key: string;
  readonly iv: string;
  readonly tag: string;
  readonly data: string;
}

/** What `pogo run --password` submits: one box per worker certificate. Kept in memory only, never stored. */
export interface SealedEnvelope {
  readonly v: 1;
  readonly boxes: readonly SealedBox[];
}

/** A worker certificate as `GET /v1/workers/certificates` lists it, for clients to seal envelopes to. */
export interface WorkerCertificate {
  readonly name: string;
  readonly fingerprint: string;
  /** PEM. Clients verify it against their CA before sealing anything to it. */
  readonly certificate: string;
  /** Connected now (a certificate seen since the server started stays listed: its worker may come back). */
  readonly connected: boolean;
}
