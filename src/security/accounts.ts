// Users, roles per namespace and API tokens over the Store: who a token is, and the audited admin verbs.
import { randomBytes } from 'node:crypto';
import type { Actor, AuditRecord, RoleGrant, TokenInfo, UserView } from '../model/index.ts';
import { PogoError, highestRole } from '../model/index.ts';
import type { AuditFilter, Store, UserRecord } from '../store/index.ts';
import { hashToken, newToken } from './tokens.ts';

/** Options of {@link Accounts}. */
export interface AccountsOptions {
  readonly now?: () => number;
  /** A token's last use is written at most this often (default one minute): reads stay cheap. */
  readonly touchIntervalMs?: number;
}

/** A token just made: the secret (shown once, never stored) and what lists show of it. */
export interface IssuedToken {
  readonly token: string;
  readonly info: TokenInfo;
}

/** How to make a token. */
export interface TokenRequest {
  readonly label?: string;
  /** Absolute expiry (ms), or null/absent for none. */
  readonly expiresAt?: number | null;
}

const TOKEN_HINT = 'send `Authorization: Bearer TOKEN` (GET requests may pass `?access_token=TOKEN`)';

/**
 * The accounts of a server. Every change is one audit entry naming the actor (who), the user changed
 * (subject) and what changed (detail); secrets never reach the audit trail or an error.
 */
export class Accounts {
  private readonly now: () => number;
  private readonly touchIntervalMs: number;
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly store: Store,
    options: AccountsOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.touchIntervalMs = options.touchIntervalMs ?? 60_000;
  }

  /**
   * The caller a bearer token stands for. API_UNAUTHORIZED for an unknown or revoked token (or a revoked
   * user), AUTH_TOKEN_EXPIRED for an expired one; refusals of a known token are audited (`auth.denied`).
   */
  async authenticate(token: string, remote: string): Promise<Actor> {
    const match = await this.store.findToken(hashToken(token));
    if (match === undefined) {
      throw new PogoError('API_UNAUTHORIZED', 'unknown or revoked token', { hint: TOKEN_HINT });
    }
    const { user, token: info } = match;
    const now = this.now();
    const deny = async (code: 'API_UNAUTHORIZED' | 'AUTH_TOKEN_EXPIRED', why: string): Promise<never> => {
      await this.audit({ user: user.name, remote }, 'auth.denied', user.name, `token ${info.id}: ${why}`);
      throw new PogoError(
        code,
        code === 'AUTH_TOKEN_EXPIRED'
          ? `the token expired at ${new Date(info.expiresAt ?? 0).toISOString()}`
          : 'unknown or revoked token',
        {
          hint:
            code === 'AUTH_TOKEN_EXPIRED'
              ? 'ask an admin for a new one (`pogo users token NAME`), then `pogo login`'
              : TOKEN_HINT,
        },
      );
    };
    if (info.revokedAt !== null || user.disabledAt !== null) return deny('API_UNAUTHORIZED', 'revoked');
    if (info.expiresAt !== null && info.expiresAt <= now) return deny('AUTH_TOKEN_EXPIRED', 'expired');
    await this.touch(info.id, now);
    return actorOf(user, remote);
  }

  /** The caller a trusted proxy names (SSO): the user must exist and not be revoked, else API_UNAUTHORIZED. */
  async actorFor(name: string, remote: string): Promise<Actor> {
    const user = await this.store.getUser(name).catch(() => undefined);
    if (user === undefined || user.disabledAt !== null) {
      throw new PogoError('API_UNAUTHORIZED', `the proxy named user ${name}, who is unknown or revoked`, {
        hint: 'an admin adds the user with `pogo users add NAME --role …`',
      });
    }
    return actorOf(user, remote);
  }

  listUsers(): Promise<readonly UserView[]> {
    return this.store.listUsers();
  }

  /** Add a user with grants and a first token (returned once). */
  async addUser(
    name: string,
    grants: readonly RoleGrant[],
    token: TokenRequest,
    actor: Actor,
  ): Promise<{ readonly user: UserView; readonly token: string }> {
    await this.store.createUser(name, grants, this.now());
    await this.audit(actor, 'user.add', name, grants.map(describeGrant).join(', ') || 'no role');
    const issued = await this.createToken(name, { label: token.label ?? 'first token', ...token }, actor);
    return { user: await this.userView(name), token: issued.token };
  }

  /** Give a role on a namespace (replacing the one held there). */
  async setGrant(name: string, grant: RoleGrant, actor: Actor): Promise<UserView> {
    await this.store.setGrant(name, grant, this.now());
    await this.audit(actor, 'user.grant', name, describeGrant(grant));
    return this.userView(name);
  }

  /** Take the role on a namespace away. */
  async removeGrant(name: string, namespace: string, actor: Actor): Promise<UserView> {
    await this.store.removeGrant(name, namespace);
    await this.audit(actor, 'user.ungrant', name, `no role on ${namespace}`);
    return this.userView(name);
  }

  /** A new token for `name`; the secret is in the answer only. */
  async createToken(name: string, request: TokenRequest, actor: Actor): Promise<IssuedToken> {
    const user = await this.store.getUser(name);
    if (user.disabledAt !== null) {
      throw new PogoError('STORE_CONFLICT', `user ${name} is revoked`, {
        hint: 'a revoked user stays revoked; add a user under a new name',
      });
    }
    const token = newToken();
    const info = await this.store.addToken({
      user: name,
      id: randomBytes(5).toString('hex'),
      hash: hashToken(token),
      label: request.label ?? '',
      createdAt: this.now(),
      expiresAt: request.expiresAt ?? null,
    });
    const expiry =
      info.expiresAt === null ? 'no expiry' : `expires ${new Date(info.expiresAt).toISOString()}`;
    await this.audit(
      actor,
      'token.create',
      name,
      `token ${info.id} (${info.label || 'no label'}), ${expiry}`,
    );
    return { token, info };
  }

  /** Revoke one token by id. */
  async revokeToken(name: string, id: string, actor: Actor): Promise<TokenInfo> {
    const info = await this.store.revokeToken(name, id, this.now());
    await this.audit(actor, 'token.revoke', name, `token ${id}`);
    return info;
  }

  /** Revoke the user: every token, and the user is disabled. */
  async revokeUser(name: string, actor: Actor): Promise<UserView> {
    await this.store.revokeUser(name, this.now());
    await this.audit(actor, 'user.revoke', name, 'every token revoked, user disabled');
    return this.userView(name);
  }

  readAudit(filter: AuditFilter): Promise<readonly AuditRecord[]> {
    return this.store.readAudit(filter);
  }

  private async userView(name: string): Promise<UserView> {
    const user = (await this.store.listUsers()).find((u) => u.name === name);
    if (user === undefined) throw new PogoError('STORE_NOT_FOUND', `no user ${name}`);
    return user;
  }

  private async touch(id: string, now: number): Promise<void> {
    const last = this.touched.get(id);
    if (last !== undefined && now - last < this.touchIntervalMs) return;
    this.touched.set(id, now);
    // Losing a last-use time is better than refusing a request over it.
    await this.store.touchToken(id, now).catch(() => undefined);
  }

  /** Append an audit entry: who (and from where), what, about what, the detail. */
  audit(
    actor: Pick<Actor, 'user' | 'remote'>,
    action: string,
    subject: string,
    detail: string,
  ): Promise<void> {
    return this.store.appendAudit({
      t: this.now(),
      user: actor.user,
      action,
      subject,
      detail,
      remote: actor.remote,
    });
  }
}

/** The actor of a user record: grants as stored, the highest role shown as `role`. */
export function actorOf(user: UserRecord, remote: string): Actor {
  return { user: user.name, role: highestRole(user.grants), remote, grants: user.grants };
}

function describeGrant(g: RoleGrant): string {
  return `${g.role} on ${g.namespace}`;
}
