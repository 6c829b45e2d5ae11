// docs/api.md is kept true: its routes are the API's, its roles are enforced, its field tables name the OpenAPI
// document's fields, and the error codes it names exist and have the statuses it gives them.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildApi, statusForCode } from '../src/api/index.ts';
import type { Role } from '../src/api/index.ts';
import { ERROR_CODES } from '../src/model/index.ts';
import type { ErrorCode } from '../src/model/index.ts';
import { MemoryService, TEST_TOKENS } from './support/memory-service.ts';

const text = readFileSync(resolve(import.meta.dirname, '../docs/api.md'), 'utf8');
/** The page without its fenced code blocks: headings, tables and prose only. */
const prose = text.replace(/^```.*\n[\s\S]*?^```$/gm, '');
const lines = prose.split('\n');

/** Routes served outside the OpenAPI document (it does not list itself). */
const NOT_IN_OPENAPI = ['GET /v1/openapi.json'];
const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];
const METHOD = '(GET|POST|PUT|PATCH|DELETE)';

/** `### GET /v1/jobs/:ref` headings, as `GET /v1/jobs/:ref`. */
function headingRoutes(): string[] {
  return [...prose.matchAll(new RegExp(`^### ${METHOD} (\\S+)$`, 'gm'))].map((m) => `${m[1]} ${m[2]}`);
}

/** Rows of the route table: `| GET | \`/v1/jobs\` | viewer | … |`. */
function tableRoutes(): { route: string; method: string; path: string; role: Role | 'none' }[] {
  const row = new RegExp(
    `^\\|\\s*${METHOD}\\s*\\|\\s*\`([^\`]+)\`\\s*\\|\\s*(none|viewer|operator|admin)\\s*\\|`,
  );
  return lines.flatMap((line) => {
    const m = row.exec(line);
    if (!m?.[1] || !m[2] || !m[3]) return [];
    return [{ route: `${m[1]} ${m[2]}`, method: m[1], path: m[2], role: m[3] as Role | 'none' }];
  });
}

/** Field names of the `| query |` and `| body field |` tables under each route heading. */
function documentedFields(): Map<string, { query: Set<string>; body: Set<string> }> {
  const out = new Map<string, { query: Set<string>; body: Set<string> }>();
  let fields: { query: Set<string>; body: Set<string> } | undefined;
  let table: 'query' | 'body' | undefined;
  for (const line of lines) {
    const heading = new RegExp(`^### ${METHOD} (\\S+)$`).exec(line);
    if (heading) {
      fields = { query: new Set(), body: new Set() };
      out.set(`${heading[1]} ${heading[2]}`, fields);
    } else if (line.startsWith('#')) {
      fields = undefined;
    }
    if (!line.startsWith('|')) {
      table = undefined;
      continue;
    }
    const first = line.split('|')[1]?.trim() ?? '';
    if (first === 'query') table = 'query';
    else if (first === 'body field') table = 'body';
    const name = /^`([^`]+)`$/.exec(first)?.[1];
    if (fields && table && name) fields[table].add(name);
  }
  return out;
}

/**
 * Code spans that are an upper-case word of 4+ characters, alone or after a status (`API_FORBIDDEN`, `USAGE`,
 * `404 STORE_NOT_FOUND`; not `N`), less HTTP methods and environment variables.
 */
function namedCodes(source: string): string[] {
  return [...source.matchAll(/`(?:\d{3} )?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)`/g)]
    .map((m) => m[1] ?? '')
    .filter(
      (word) => word.length >= 4 && !/^(POST|PATCH|DELETE|HEAD)$/.test(word) && !word.startsWith('POGO_'),
    );
}

/** The parts of the OpenAPI document read here. */
interface OpenApiDoc {
  readonly paths: Record<string, Record<string, Operation>>;
}
interface Operation {
  readonly parameters?: readonly { readonly name: string; readonly in: string }[];
  readonly requestBody?: { readonly content: Record<string, { readonly schema?: JsonSchema }> };
}
interface JsonSchema {
  readonly properties?: Record<string, JsonSchema>;
}

/** `hooks.pre`, `file.name`, `command`: the leaf fields of an object schema, one level of nesting. */
function leafFields(schema: JsonSchema | undefined): Set<string> {
  const out = new Set<string>();
  for (const [name, sub] of Object.entries(schema?.properties ?? {})) {
    const children = Object.keys(sub.properties ?? {});
    if (children.length === 0) out.add(name);
    for (const child of children) out.add(`${name}.${child}`);
  }
  return out;
}

let app: FastifyInstance;
let openapi: OpenApiDoc;

beforeAll(async () => {
  app = await buildApi({ service: new MemoryService(), logger: false });
  const res = await app.inject({ method: 'GET', url: '/v1/openapi.json' });
  expect(res.statusCode).toBe(200);
  openapi = res.json<OpenApiDoc>();
});
afterAll(async () => {
  await app.close();
});

/** Every operation of the OpenAPI document, keyed `GET /v1/jobs/:ref`. */
function openapiOperations(): Map<string, Operation> {
  const out = new Map<string, Operation>();
  for (const [path, operations] of Object.entries(openapi.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      out.set(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, operation);
    }
  }
  return out;
}

function tokenOf(role: Role): string {
  const entry = Object.entries(TEST_TOKENS).find(([, user]) => user.role === role);
  if (!entry) throw new Error(`no test token with the ${role} role`);
  return entry[0];
}

describe('docs/api.md', () => {
  test('documents every route of the API, and no other, with a heading and a row in the route table', () => {
    const served = [...openapiOperations().keys(), ...NOT_IN_OPENAPI].sort();
    const headings = headingRoutes();
    expect(headings.length).toBeGreaterThan(20);
    expect(new Set(headings).size).toBe(headings.length);
    expect([...headings].sort()).toEqual(served);
    expect(
      tableRoutes()
        .map((r) => r.route)
        .sort(),
    ).toEqual(served);
  });

  test('the query and body fields of each route are the OpenAPI document’s', () => {
    const documented = documentedFields();
    for (const [route, operation] of openapiOperations()) {
      const query = (operation.parameters ?? [])
        .filter((p) => p.in === 'query' && p.name !== 'access_token')
        .map((p) => p.name);
      const body = leafFields(operation.requestBody?.content['application/json']?.schema);
      const fields = documented.get(route);
      expect({ route, query: [...(fields?.query ?? [])].sort() }).toEqual({ route, query: query.sort() });
      expect({ route, body: [...(fields?.body ?? [])].sort() }).toEqual({ route, body: [...body].sort() });
    }
  });

  test('each route needs the role the route table gives it: one below is 403, that one is let through', async () => {
    const params: Record<string, string> = { ref: 'last', host: 'h1', ns: 'web' };
    for (const { method, path, role } of tableRoutes()) {
      const url = path.replace(/:(\w+)/g, (_, name: string) => params[name] ?? name);
      const send = (token?: string) =>
        app.inject({
          method: method as 'GET' | 'POST' | 'PUT',
          url,
          ...(token !== undefined && { headers: { authorization: `Bearer ${token}` } }),
        });
      if (role === 'none') {
        expect({ route: `${method} ${path}`, status: (await send()).statusCode }).not.toMatchObject({
          status: 401,
        });
        continue;
      }
      const rank = ROLES.indexOf(role);
      const below = ROLES[rank - 1];
      const own = (await send(tokenOf(role))).statusCode;
      expect({ route: `${method} ${path}`, role, own: [401, 403].includes(own) }).toMatchObject({
        own: false,
      });
      const lower = below === undefined ? (await send()).statusCode : (await send(tokenOf(below))).statusCode;
      expect({ route: `${method} ${path}`, role, lower }).toMatchObject({
        lower: below === undefined ? 401 : 403,
      });
    }
  });

  test('every error code it names exists', () => {
    const codes = namedCodes(prose);
    expect(new Set(codes).size).toBeGreaterThan(15);
    const known = new Set<string>(ERROR_CODES);
    expect(codes.filter((code) => !known.has(code))).toEqual([]);
  });

  test('the status table gives each code the status the API answers with', () => {
    let rows = 0;
    for (const line of lines) {
      const m = /^\|\s*(\d{3})\s*\|(.*)\|\s*$/.exec(line);
      if (!m?.[1] || m[2] === undefined) continue;
      const status = Number(m[1]);
      for (const code of namedCodes(m[2]) as ErrorCode[]) {
        rows++;
        // 500 is every code without a status of its own (INTERNAL included).
        expect({ code, status: statusForCode(code) ?? 500 }).toEqual({ code, status });
      }
    }
    expect(rows).toBeGreaterThan(10);
  });
});
