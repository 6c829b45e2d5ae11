// Zod schemas of the user, token, grant and audit requests.
import { z } from 'zod';
import { ROLES } from '../model/index.ts';

/** A user name: letters, digits, `_ . @ -`, as SSO user names are. */
export const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$/;
const NAMESPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

const userName = z.string().regex(USER_NAME, 'expected letters, digits, "_", ".", "@" or "-" (at most 128)');
/** A namespace, or `*` for every namespace. */
const grantNamespace = z
  .string()
  .refine((s) => s === '*' || NAMESPACE_NAME.test(s), 'expected a namespace name or * (every namespace)');
const role = z.enum(ROLES);
const future = z.iso
  .datetime({ offset: true })
  .describe('ISO 8601 date-time, in the future; absent: no expiry')
  .transform((s) => Date.parse(s));
const label = z.string().max(200);

/** `:name`. */
export const userParams = z.object({ name: userName }).strict();
/** `:name/tokens/:id`. */
export const tokenParams = z
  .object({ name: userName, id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) })
  .strict();
/** `:name/grants/:ns`. */
export const grantParams = z.object({ name: userName, ns: grantNamespace }).strict();

/** POST /v1/users: the user, a first role and a first token. */
export const addUserBody = z
  .object({
    name: userName,
    role: role.describe('the first role'),
    namespace: grantNamespace.default('*').describe('where the role holds; default * (every namespace)'),
    expiresAt: future.exactOptional(),
    label: label.exactOptional(),
  })
  .strict();

/** POST /v1/users/:name/tokens. */
export const newTokenBody = z
  .object({ expiresAt: future.exactOptional(), label: label.exactOptional() })
  .strict()
  .nullish()
  .transform((b) => b ?? {});

/** PUT /v1/users/:name/grants/:ns. */
export const grantBody = z.object({ role }).strict();

/** GET /v1/audit. */
export const auditQuery = z
  .object({
    subject: z.string().min(1).exactOptional(),
    user: z.string().min(1).exactOptional(),
    action: z
      .string()
      .min(1)
      .exactOptional()
      .describe('an action (job.halt) or a prefix ending in "." (user.)'),
    since: z.iso
      .datetime({ offset: true })
      .transform((s) => Date.parse(s))
      .exactOptional()
      .describe('ISO 8601 date-time: entries at or after it'),
    limit: z.coerce.number().int().min(1).max(1000).exactOptional(),
  })
  .strict();
