// A job's hosts as columns (plan order): what GET /v1/jobs/:ref/snapshot answers, a tenth of the bytes of records.
import type { JobSnapshot } from './insight-types.ts';
import type { HostRecord } from './records.ts';

/** The columns of `hosts` (in the order given). */
export function hostColumns(hosts: readonly HostRecord[]): Omit<JobSnapshot, 'job'> {
  return {
    hosts: hosts.map((h) => h.host),
    state: hosts.map((h) => h.state),
    attempt: hosts.map((h) => h.attempt),
    startedAt: hosts.map((h) => h.startedAt),
    endedAt: hosts.map((h) => h.endedAt),
    exitCode: hosts.map((h) => h.exitCode),
    message: hosts.map((h) => h.message),
  };
}
