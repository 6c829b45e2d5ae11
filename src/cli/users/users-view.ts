// Text of `pogo users list` and `pogo audit`: box tables, times in ISO 8601 (UTC, to the second).
import type { AuditRecord, TokenInfo, UserView } from '../../model/index.ts';
import { renderBoxTable } from '../box-table.ts';

/** `2026-01-31 12:00:00Z`, or `-`. */
export function formatTime(ms: number | null | undefined): string {
  return ms === null || ms === undefined
    ? '-'
    : new Date(ms)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z');
}

/** One user a row: grants and tokens stacked in their cells. */
export function renderUsers(users: readonly UserView[], now: number): string {
  if (users.length === 0) return 'no users\n';
  return renderBoxTable({
    title: 'Users',
    header: ['user', 'roles', 'tokens (id label: state, last used)', 'state'],
    rows: users.map((u) => [
      u.name,
      u.grants.length === 0 ? ['none'] : u.grants.map((g) => `${g.role} on ${g.namespace}`),
      u.tokens.length === 0 ? ['none'] : u.tokens.map((t) => describeToken(t, now)),
      u.disabledAt === null ? 'active' : `revoked ${formatTime(u.disabledAt)}`,
    ]),
  });
}

function describeToken(t: TokenInfo, now: number): string {
  const state =
    t.revokedAt !== null
      ? 'revoked'
      : t.expiresAt !== null && t.expiresAt <= now
        ? 'expired'
        : t.expiresAt !== null
          ? `expires ${formatTime(t.expiresAt)}`
          : 'no expiry';
  return `${t.id} ${t.label || '-'}: ${state}, used ${formatTime(t.lastUsedAt)}`;
}

/** The audit entries, newest first. */
export function renderAudit(entries: readonly AuditRecord[]): string {
  if (entries.length === 0) return 'no audit entries\n';
  return renderBoxTable({
    title: 'Audit',
    header: ['time', 'user', 'from', 'action', 'subject', 'detail'],
    rows: entries.map((e) => [formatTime(e.t), e.user, e.remote, e.action, e.subject, e.detail]),
  });
}
