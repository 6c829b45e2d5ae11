// Zod schemas of every HTTP request part (bodies, queries, path parameters): the API validates once, here.
import { z } from 'zod';
import { HOST_STATES, JOB_STATES, parseLimit } from '../model/index.ts';
import type { SubmitJobRequest } from '../model/index.ts';
import { sealedEnvelopeSchema } from '../security/index.ts';

/** Same rule as the config loader's namespace names (docs/config.md): letters, digits, `.`, `_`, `-`. */
const NAMESPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const MIB = 1024 * 1024;

const namespaceName = z.string().max(128).regex(NAMESPACE_NAME, 'expected letters, digits, ".", "_" or "-"');
const limitSpec = z
  .string()
  .regex(/^\s*\d+(\.\d+)?\s*%?\s*$/, { error: 'expected N or N%', abort: true })
  .refine((s) => parseLimit(s) !== undefined, 'expected a whole number, or a percentage up to 100%');
const hostName = z.string().min(1).max(1024);
const hostList = z.array(hostName).min(1).max(100_000).readonly();
const positiveMs = z.number().int().positive();
/** Standard base64; a plain character-class regex (z.base64()'s grouped one takes seconds on a 64 MiB script). */
const base64 = z
  .string()
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, { error: 'invalid base64', abort: true })
  .refine((s) => s.length % 4 === 0, 'invalid base64: the length is not a multiple of 4');

/** A whole number in a query string (`?limit=10`). */
function queryInt(min: number, max: number) {
  return z.coerce.number().int().min(min).max(max);
}

/** `a,b,c` → each checked against `states`; at least one. */
function stateList<const T extends readonly [string, ...string[]]>(states: T) {
  return z
    .string()
    .transform((s) => s.split(','))
    .pipe(z.array(z.enum(states)).min(1))
    .describe(`comma-separated: ${states.join(', ')}`);
}

/** POST /v1/jobs. Checked against {@link SubmitJobRequest} at compile time (below). */
export const submitJobBody = z
  .object({
    namespace: namespaceName.exactOptional(),
    /** May be empty only with `file` (the script is what runs; the command words are its arguments). */
    command: z.string().max(1_000_000),
    targets: z.string().min(1),
    maxParallel: limitSpec.exactOptional(),
    maxFailures: limitSpec.exactOptional(),
    timeoutMs: positiveMs.exactOptional(),
    jobTimeoutMs: positiveMs.exactOptional(),
    retries: z.number().int().min(0).max(100).exactOptional(),
    retryDelayMs: z.number().int().min(0).exactOptional(),
    runAs: z.string().min(1).max(64).exactOptional(),
    hooks: z
      .object({
        pre: z.boolean().exactOptional(),
        post: z.boolean().exactOptional(),
        preDir: z.string().min(1).exactOptional(),
        postDir: z.string().min(1).exactOptional(),
        inlinePre: z.array(z.string()).readonly().exactOptional(),
        inlinePost: z.array(z.string()).readonly().exactOptional(),
      })
      .strict()
      .readonly()
      .exactOptional(),
    outputCapBytes: z.number().int().min(1).exactOptional(),
    envelope: sealedEnvelopeSchema.exactOptional(),
    file: z
      .object({
        name: z.string().min(1).max(255),
        contentBase64: base64,
        args: z.array(z.string()).readonly(),
      })
      .strict()
      .readonly()
      .exactOptional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.command.trim() === '' && b.file === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['command'],
        message: 'empty: give a command (or a file to run)',
      });
    }
  })
  .readonly();

/** True when A and B are the same type (readonly and optional modifiers included). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Fails to compile when the schema and the contract in model/api-types.ts drift apart. */
const submitJobBodyMatchesContract: Equals<z.output<typeof submitJobBody>, SubmitJobRequest> = true;
void submitJobBodyMatchesContract;

/** `:ref` of every job route: an id, a unique prefix, or `last`. */
export const jobParams = z.object({ ref: z.string().min(1).max(200) }).strict();
/** `:ref` and `:host`. */
export const jobHostParams = z.object({ ref: z.string().min(1).max(200), host: hostName }).strict();
/** `:host` of the host history route. */
export const hostParams = z.object({ host: hostName }).strict();
/** `:ns` of the namespace routes. */
export const namespaceParams = z.object({ ns: namespaceName }).strict();

/** GET /v1/jobs. `q` searches the command, the targets and the id. */
export const listJobsQuery = z
  .object({
    user: z.string().min(1).exactOptional(),
    state: stateList(JOB_STATES).exactOptional(),
    namespace: namespaceName.exactOptional(),
    host: hostName.exactOptional(),
    q: z.string().min(1).exactOptional(),
    cursor: z.string().min(1).exactOptional(),
    limit: queryInt(1, 500).exactOptional(),
  })
  .strict();

/** GET /v1/jobs/:ref/hosts. `q` is a substring of the host name. */
export const listHostsQuery = z
  .object({
    state: stateList(HOST_STATES).exactOptional(),
    q: z.string().min(1).exactOptional(),
    cursor: z.string().min(1).exactOptional(),
    limit: queryInt(1, 5000).exactOptional(),
  })
  .strict();

/** GET /v1/jobs/:ref/hosts/:host/output. `format=raw` asks for the bytes (as `Accept: text/plain` does). */
export const outputQuery = z
  .object({
    attempt: queryInt(1, 1_000_000).exactOptional(),
    offset: queryInt(0, Number.MAX_SAFE_INTEGER).exactOptional(),
    limit: queryInt(1, 64 * MIB).exactOptional(),
    format: z.enum(['json', 'raw']).exactOptional(),
  })
  .strict();

/** GET /v1/jobs/:ref/events: events with seq > `after`. */
export const eventsQuery = z
  .object({
    after: queryInt(0, Number.MAX_SAFE_INTEGER).exactOptional(),
    limit: queryInt(1, 10_000).exactOptional(),
  })
  .strict();

/** GET /v1/hosts/:host/history. */
export const historyQuery = z.object({ limit: queryInt(1, 1000).exactOptional() }).strict();

/** GET /v1/namespaces/:ns. */
export const namespaceQuery = z
  .object({ version: queryInt(1, Number.MAX_SAFE_INTEGER).exactOptional() })
  .strict();

/** A GET without parameters of its own (only `access_token`, added by the route helper). */
export const emptyQuery = z.object({}).strict();

/** POST /v1/jobs/:ref/halt; the body may be left out. */
export const haltBody = z
  .object({ kill: z.boolean().exactOptional() })
  .strict()
  .nullish()
  .transform((b) => b ?? {});

/** POST /v1/jobs/:ref/resume: `{}` or no body. */
/** POST /v1/jobs/:ref/resume: `envelope` gives the password again to a job in `needs-password`. */
export const resumeBody = z.object({ envelope: sealedEnvelopeSchema.exactOptional() }).strict().nullish();

/** POST /v1/jobs/:ref/retry and /skip. */
export const hostsBody = z.object({ hosts: hostList }).strict();

/** POST /v1/jobs/:ref/rollback. */
export const rollbackBody = z
  .object({ command: z.string().min(1), envelope: sealedEnvelopeSchema.exactOptional() })
  .strict();

/** PUT /v1/namespaces/:ns and POST …/validate: raw YAML (a string) or JSON `{ text }`. */
export const namespaceTextBody = z.union([z.string(), z.object({ text: z.string() }).strict()]);

/** POST /v1/namespaces/:ns/plan. */
/** POST /v1/namespaces/:ns/targets. */
export const targetsBody = z.object({ targets: z.string().min(1).max(1_000_000) }).strict();

export const planBody = z
  .object({ targets: z.string().min(1), maxParallel: limitSpec.exactOptional() })
  .strict();
