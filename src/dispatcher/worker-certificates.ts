// The worker certificates a dispatcher has seen on its links: what clients seal password envelopes to.
import type { WorkerCertificate } from '../model/index.ts';
import type { WorkerChannel } from './worker-channel.ts';

/** By fingerprint, since this dispatcher started (a worker that went away may come back with it). */
export class WorkerCertificates {
  private readonly seen = new Map<string, { name: string; pem: string }>();

  /** Remember the certificate a channel was admitted with (none for plain or in-process links without one). */
  register(channel: WorkerChannel): void {
    const c = channel.certificate;
    if (c) this.seen.set(c.fingerprint256, { name: channel.name, pem: c.pem });
  }

  knows(fingerprint: string): boolean {
    return this.seen.has(fingerprint);
  }

  /** Every certificate seen, connected ones (by fingerprint) first, then by name. */
  list(connected: ReadonlySet<string | undefined>): WorkerCertificate[] {
    return [...this.seen.entries()]
      .map(([fingerprint, c]) => ({
        name: c.name,
        fingerprint,
        certificate: c.pem,
        connected: connected.has(fingerprint),
      }))
      .sort((a, b) => Number(b.connected) - Number(a.connected) || a.name.localeCompare(b.name));
  }
}
