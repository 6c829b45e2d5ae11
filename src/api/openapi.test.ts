// The OpenAPI document: every /v1 route, request schemas from zod, error answers, public probes.
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, test } from 'vitest';
import { MemoryService } from '../../test/support/memory-service.ts';
import { buildApi } from './app.ts';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function documentOf(version?: string): Promise<OpenApiDoc> {
  const app = await buildApi({ service: new MemoryService(), ...(version && { version }) });
  apps.push(app);
  const res = await app.inject({ method: 'GET', url: '/v1/openapi.json' });
  expect(res.statusCode).toBe(200);
  return res.json<OpenApiDoc>();
}

describe('OpenAPI', () => {
  const v1Routes = [
    ['post', '/v1/jobs'],
    ['get', '/v1/jobs'],
    ['get', '/v1/jobs/{ref}'],
    ['get', '/v1/jobs/{ref}/hosts'],
    ['get', '/v1/jobs/{ref}/hosts/{host}'],
    ['get', '/v1/jobs/{ref}/hosts/{host}/output'],
    ['get', '/v1/jobs/{ref}/events'],
    ['get', '/v1/jobs/{ref}/snapshot'],
    ['get', '/v1/jobs/{ref}/plan'],
    ['get', '/v1/jobs/{ref}/output-groups'],
    ['post', '/v1/jobs/{ref}/halt'],
    ['post', '/v1/jobs/{ref}/resume'],
    ['post', '/v1/jobs/{ref}/retry'],
    ['post', '/v1/jobs/{ref}/skip'],
    ['post', '/v1/jobs/{ref}/rollback'],
    ['get', '/v1/namespaces'],
    ['get', '/v1/namespaces/{ns}'],
    ['put', '/v1/namespaces/{ns}'],
    ['post', '/v1/namespaces/{ns}/validate'],
    ['post', '/v1/namespaces/{ns}/plan'],
    ['get', '/v1/namespaces/{ns}/overview'],
    ['post', '/v1/namespaces/{ns}/targets'],
    ['get', '/v1/namespaces/{ns}/tags'],
    ['get', '/v1/hosts/{host}/history'],
    ['get', '/v1/workers'],
    ['get', '/v1/workers/certificates'],
    ['get', '/v1/audit'],
    ['get', '/v1/me'],
    ['get', '/v1/users'],
    ['post', '/v1/users'],
    ['delete', '/v1/users/{name}'],
    ['post', '/v1/users/{name}/tokens'],
    ['delete', '/v1/users/{name}/tokens/{id}'],
    ['put', '/v1/users/{name}/grants/{ns}'],
    ['delete', '/v1/users/{name}/grants/{ns}'],
  ] as const;

  test('/v1/openapi.json lists every /v1 route, needs no token, and documents bodies and parameters', async () => {
    const doc = await documentOf('9.9.9');
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe('9.9.9');
    const listed = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method} ${path}`),
    );
    const v1 = listed.filter((route) => route.includes(' /v1/')).sort();
    expect(v1).toEqual(v1Routes.map(([method, path]) => `${method} ${path}`).sort());

    const submit = operation(doc, 'post', '/v1/jobs');
    const body = jsonBody(submit);
    expect(body.required).toEqual(['command', 'targets']);
    expect(body.additionalProperties).toBe(false);
    expect(body.properties?.maxParallel).toHaveProperty('pattern');
    expect(JSON.stringify(body)).not.toContain('readOnly');
    expect(submit.responses).toHaveProperty('201');

    const retry = jsonBody(operation(doc, 'post', '/v1/jobs/{ref}/retry'));
    expect(retry.properties?.hosts).toMatchObject({ type: 'array', minItems: 1, maxItems: 100000 });

    const put = operation(doc, 'put', '/v1/namespaces/{ns}').requestBody?.content ?? {};
    expect(Object.keys(put)).toEqual(['application/json', 'application/yaml', 'text/yaml', 'text/plain']);

    const list = operation(doc, 'get', '/v1/jobs').parameters ?? [];
    const names = list.map((p) => p.name);
    for (const name of ['user', 'state', 'namespace', 'host', 'q', 'cursor', 'limit', 'access_token']) {
      expect(names).toContain(name);
    }
    const show = operation(doc, 'get', '/v1/jobs/{ref}').parameters ?? [];
    expect(show.find((p) => p.name === 'ref')).toMatchObject({ in: 'path', required: true });
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    expect(operation(doc, 'get', '/healthz').security).toEqual([]);
  });

  test('a body that may be left out (halt, resume) is documented as optional', async () => {
    const doc = await documentOf();
    const halt = operation(doc, 'post', '/v1/jobs/{ref}/halt').requestBody;
    expect(halt?.required).toBe(false);
    expect(halt?.content['application/json']?.schema).toMatchObject({
      type: 'object',
      properties: { kill: {} },
    });
    expect(operation(doc, 'post', '/v1/jobs/{ref}/retry').requestBody?.required).toBe(true);
  });

  test('errors are documented as JSON on every route, also those that answer bytes or SSE', async () => {
    const doc = await documentOf();
    const output = operation(doc, 'get', '/v1/jobs/{ref}/hosts/{host}/output').responses;
    expect(Object.keys((output.default as { content: object }).content)).toEqual(['application/json']);
    expect(Object.keys((output['200'] as { content: object }).content)).toEqual([
      'application/json',
      'application/octet-stream',
    ]);
  });
});

/** The parts of the OpenAPI document the test reads. */
interface OpenApiDoc {
  readonly openapi: string;
  readonly info: { readonly version: string };
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: { readonly securitySchemes: Record<string, unknown> };
}

interface Operation {
  readonly parameters?: { readonly name: string; readonly in: string; readonly required?: boolean }[];
  readonly requestBody?: {
    readonly required?: boolean;
    readonly content: Record<string, { readonly schema: JsonSchema }>;
  };
  readonly responses: Record<string, unknown>;
  readonly security?: unknown[];
}

interface JsonSchema {
  readonly required?: string[];
  readonly additionalProperties?: unknown;
  readonly properties?: Record<string, Record<string, unknown>>;
}

function operation(doc: OpenApiDoc, method: string, path: string): Operation {
  const op = doc.paths[path]?.[method];
  if (!op) throw new Error(`no ${method} ${path} in the document`);
  return op;
}

function jsonBody(op: Operation): JsonSchema {
  const schema = op.requestBody?.content['application/json']?.schema;
  if (!schema) throw new Error('no JSON request body');
  return schema;
}
