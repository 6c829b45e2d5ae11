// `pogo users add|list|revoke|grant|ungrant|token`: users, roles per namespace and tokens, over the API or with --data.
import type { Command } from 'commander';
import type { Role } from '../../model/index.ts';
import { ROLES } from '../../model/index.ts';
import { addConnectionOptions, apiClientFor } from '../client/connect.ts';
import type { ConnectionFlags } from '../client/profile.ts';
import { resolveProfile } from '../client/profile.ts';
import type { CommandContext } from '../context.ts';
import { usageError } from '../flags.ts';
import type { UsageOverride } from '../lab/index.ts';
import { parseExpires } from './time-flags.ts';
import type { UserAdmin } from './user-admin.ts';
import { apiUserAdmin, localUserAdmin } from './user-admin.ts';
import { renderUsers } from './users-view.ts';

/** Flags every `pogo users` subcommand has. */
export interface UsersFlags extends ConnectionFlags {
  readonly data?: string;
  readonly json?: boolean;
  readonly role?: string;
  readonly namespace?: string;
  readonly expires?: string;
  readonly label?: string;
  readonly token?: string;
}

const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$/;

/** The admin for the flags: offline with `--data`, else the API with the profile's (admin) token. */
export async function userAdminFor(flags: ConnectionFlags & { readonly data?: string }): Promise<UserAdmin> {
  if (flags.data !== undefined) {
    if (flags.server !== undefined)
      throw usageError('--data and --server are exclusive: --data works offline');
    return localUserAdmin(flags.data);
  }
  return apiUserAdmin(await apiClientFor(await resolveProfile(flags)));
}

/** Add `users` and its subcommands to the program. */
export function registerUsers(program: Command, ctx: CommandContext, usageOverride: UsageOverride): void {
  const users = program
    .command('users')
    .summary('users, their roles per namespace and their API tokens (admin)')
    .description(
      'Manage who may use the API. Over the API this needs a token of an admin on every namespace (*); ' +
        'with --data DIR it works offline on the SQLite database of a server data directory (also while ' +
        'that server runs). A token is printed once, on stdout; everything else goes to stderr.',
    )
    .exitOverride(usageOverride('pogo users'));
  const sub = (name: string, summary: string): Command => {
    const cmd = users
      .command(name)
      .summary(summary)
      .exitOverride(usageOverride(`pogo users ${name}`))
      .option('--data <dir>', 'work offline on this server data directory instead of the API');
    // `revoke --token ID` names a token to revoke: there the API token comes from POGO_TOKEN or the profile.
    const connected =
      name === 'revoke'
        ? cmd
            .option('--server <url>', 'Pogo server URL (default: $POGO_SERVER, the profile)')
            .option('--ca <file>', 'CA certificate to trust for an https:// server')
        : addConnectionOptions(cmd);
    return connected.option('--json', 'print JSON');
  };
  const run =
    (
      fn: (admin: UserAdmin, flags: UsersFlags, name: string | undefined) => Promise<void>,
      tokenIsId = false,
    ) =>
    async (...args: unknown[]): Promise<void> => {
      const name = typeof args[0] === 'string' ? args[0] : undefined;
      const flags = (name === undefined ? args[0] : args[1]) as UsersFlags;
      if (name !== undefined && !USER_NAME.test(name)) {
        throw usageError(`"${name}" is not a user name (letters, digits, _ . @ -; at most 128)`);
      }
      const { token: _id, ...connection } = flags;
      const admin = await userAdminFor(tokenIsId ? connection : flags);
      try {
        await fn(admin, flags, name);
      } finally {
        await admin.close();
      }
    };
  const out = (flags: UsersFlags, json: unknown, text: string): void =>
    ctx.io.out(flags.json ? `${JSON.stringify(json)}\n` : text);
  const note = (line: string): void => ctx.io.err(`${line}\n`);

  sub('add', 'add a user with a role and a first token (printed once)')
    .argument('<name>', 'the user name')
    .requiredOption('--role <role>', `${ROLES.join(', ')}`)
    .option('--namespace <ns>', 'where the role holds (default *: every namespace)')
    .option('--expires <when>', 'the token expires after this (30d, 12h) or at this ISO date')
    .option('--label <text>', 'what the token is for')
    .action(
      run(async (admin, flags, name = '') => {
        const grant = { namespace: flags.namespace ?? '*', role: roleOf(flags.role) };
        const result = await admin.add(name, grant, tokenOptions(flags));
        if (!flags.json)
          note(`user ${name} added: ${grant.role} on ${grant.namespace}; the token below is shown once`);
        out(flags, result, `${result.token}\n`);
      }),
    );
  sub('list', 'list users with their roles and tokens (ids, never secrets)').action(
    run(async (admin, flags) => {
      const list = await admin.list();
      out(flags, { items: list }, renderUsers(list, Date.now()));
    }),
  );
  sub('revoke', 'revoke a user (every token, and the user is disabled) or one token with --token')
    .argument('<name>', 'the user name')
    .option('--token <id>', 'revoke only this token (its id from `pogo users list`)')
    .action(
      run(async (admin, flags, name = '') => {
        if (flags.token !== undefined) {
          const info = await admin.revokeToken(name, flags.token);
          if (!flags.json) note(`token ${info.id} of ${name} revoked`);
          if (flags.json) out(flags, info, '');
          return;
        }
        const user = await admin.revokeUser(name);
        if (!flags.json) note(`user ${name} revoked: every token, and the user is disabled`);
        if (flags.json) out(flags, user, '');
      }, true),
    );
  sub('grant', 'give a user a role on a namespace (replacing the role held there)')
    .argument('<name>', 'the user name')
    .requiredOption('--role <role>', `${ROLES.join(', ')}`)
    .requiredOption('--namespace <ns>', 'the namespace, or * for every namespace')
    .action(
      run(async (admin, flags, name = '') => {
        const user = await admin.grant(name, { namespace: flags.namespace ?? '*', role: roleOf(flags.role) });
        if (!flags.json) note(`${name}: ${user.grants.map((g) => `${g.role} on ${g.namespace}`).join(', ')}`);
        if (flags.json) out(flags, user, '');
      }),
    );
  sub('ungrant', "take a user's role on a namespace away")
    .argument('<name>', 'the user name')
    .requiredOption('--namespace <ns>', 'the namespace, or * for the grant on every namespace')
    .action(
      run(async (admin, flags, name = '') => {
        const user = await admin.ungrant(name, flags.namespace ?? '*');
        const left = user.grants.map((g) => `${g.role} on ${g.namespace}`).join(', ') || 'no role';
        if (!flags.json) note(`${name}: ${left}`);
        if (flags.json) out(flags, user, '');
      }),
    );
  sub('token', 'make another token for a user (printed once)')
    .argument('<name>', 'the user name')
    .option('--expires <when>', 'it expires after this (30d, 12h) or at this ISO date')
    .option('--label <text>', 'what the token is for')
    .action(
      run(async (admin, flags, name = '') => {
        const issued = await admin.newToken(name, tokenOptions(flags));
        if (!flags.json) note(`token ${issued.info.id} for ${name}; shown once:`);
        out(flags, issued, `${issued.token}\n`);
      }),
    );
}

function roleOf(raw: string | undefined): Role {
  const role = ROLES.find((r) => r === raw);
  if (!role) throw usageError(`--role: "${raw ?? ''}" is not one of ${ROLES.join(', ')}`);
  return role;
}

function tokenOptions(flags: UsersFlags): { label?: string; expiresAt?: number } {
  return {
    ...(flags.label === undefined ? {} : { label: flags.label }),
    ...(flags.expires === undefined ? {} : { expiresAt: parseExpires(flags.expires, Date.now()) }),
  };
}
