// Roles per namespace: which grant lets a caller do what where (`*` covers every namespace).
import type { Actor, Role, RoleGrant } from './api-types.ts';

/** Every role, lowest first. */
export const ROLES = ['viewer', 'operator', 'admin'] as const satisfies readonly Role[];

/** 0 for viewer, 1 operator, 2 admin. */
export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

/** The actor's grants; an actor without a grant list holds its role on `*`. */
export function grantsOf(actor: Actor): readonly RoleGrant[] {
  return actor.grants ?? [{ namespace: '*', role: actor.role }];
}

/**
 * True when the actor holds `role` (or a higher one) on `namespace`. `namespace` `*` asks for a grant on `*`
 * itself (global routes: users, audit); `undefined` asks whether any grant anywhere is high enough.
 */
export function hasRole(actor: Actor, role: Role, namespace: string | undefined): boolean {
  const need = roleRank(role);
  return grantsOf(actor).some(
    (g) =>
      roleRank(g.role) >= need &&
      (namespace === undefined || g.namespace === '*' || g.namespace === namespace),
  );
}

/** The highest role among `grants` (viewer when there are none). */
export function highestRole(grants: readonly RoleGrant[]): Role {
  return grants.reduce<Role>((best, g) => (roleRank(g.role) > roleRank(best) ? g.role : best), 'viewer');
}
