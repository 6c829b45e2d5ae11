// Zod as Fastify's validator: request parts are parsed by their route's zod schema, failures name field and rule.
import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import { PogoError } from '../model/index.ts';

/** How a request part is named in messages (`body.hosts[0]`, `query.limit`, `params.ref`). */
const PART_NAMES: Readonly<Record<string, string>> = {
  body: 'body',
  querystring: 'query',
  params: 'params',
  headers: 'headers',
};

/**
 * Fastify's validator compiler for routes whose schemas are zod schemas: the parsed value (coerced, defaults
 * applied) replaces the request part; a failure is API_BAD_REQUEST with every issue, `; `-joined.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => {
  const part = PART_NAMES[httpPart ?? 'body'] ?? String(httpPart);
  return (data: unknown) => {
    const result = schema.safeParse(data, { reportInput: true });
    if (result.success) return { value: result.data };
    return { error: new PogoError('API_BAD_REQUEST', formatIssues(part, result.error.issues)) };
  };
};

/** `body.hosts[0]: expected string, received number; body.kill: expected boolean, received string`. */
export function formatIssues(part: string, issues: readonly z.core.$ZodIssue[]): string {
  return issues.flatMap((issue) => describeIssue(part, issue)).join('; ');
}

function describeIssue(part: string, issue: z.core.$ZodIssue): string[] {
  const at = formatPath(part, issue.path);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${formatPath(part, [...issue.path, key])}: unknown field`);
  }
  if (issue.code === 'invalid_union') {
    // Report the branch that matches the input's type (an object with a bad field), not "invalid input".
    // Branch issues' paths are relative to the union.
    const branches = issue.errors.filter((branch) => !branch.some(isRootTypeMismatch));
    if (branches.length === 1 && branches[0]) {
      return branches[0].flatMap((i) => describeIssue(part, { ...i, path: [...issue.path, ...i.path] }));
    }
  }
  // With `reportInput`, a missing field is the one whose input is undefined (JSON has no undefined).
  if (issue.code === 'invalid_type' && issue.input === undefined) return [`${at}: required`];
  return [`${at}: ${lowerFirst(issue.message.replace(/^Invalid (input|option): /, ''))}`];
}

function isRootTypeMismatch(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'invalid_type' && issue.path.length === 0;
}

function formatPath(part: string, path: readonly PropertyKey[]): string {
  let out = part;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
