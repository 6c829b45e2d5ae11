// The OpenAPI 3.1 document: @fastify/swagger collects the routes; their zod schemas become JSON Schema here.
import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { z } from 'zod';

/** The error answer of every route (ApiErrorBody in src/model/api-types.ts): always JSON. */
export const errorResponseSchema: Readonly<Record<string, unknown>> = {
  description: 'An error: `{ error: { code, message, hint? } }` (codes: docs/errors.md)',
  content: {
    'application/json': {
      schema: jsonSchemaOf(
        z.object({ error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }) }),
        'output',
      ),
    },
  },
};

const REQUEST_PARTS = ['params', 'querystring', 'body'] as const;

/** Register @fastify/swagger; call before any route is added so that every route is collected. */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Pogo API',
        version,
        description:
          'Run commands on many hosts under constraints. Errors: `{ error: { code, message, hint? } }`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: ({ schema, url }) => ({ schema: toJsonSchemas(schema), url }),
    transformObject: (doc) =>
      'openapiObject' in doc ? markOptionalBodies(doc.openapiObject) : doc.swaggerObject,
  });
}

interface RequestBody {
  required?: boolean;
  content?: Record<string, { schema?: { anyOf?: unknown[] } }>;
}

/**
 * @fastify/swagger marks every request body required; a body schema that also accepts null (halt, resume:
 * the body may be left out) is made optional, and documented as its non-null branch.
 */
function markOptionalBodies<T extends object>(document: T): T {
  const paths = (document as { paths?: Record<string, Record<string, { requestBody?: RequestBody }>> }).paths;
  for (const operation of Object.values(paths ?? {}).flatMap((item) => Object.values(item))) {
    const body = operation.requestBody;
    for (const media of Object.values(body?.content ?? {})) {
      const branches = media.schema?.anyOf ?? [];
      const rest = branches.filter((branch) => (branch as { type?: unknown }).type !== 'null');
      if (!body || rest.length === branches.length) continue;
      body.required = false;
      if (rest.length === 1) media.schema = rest[0] as { anyOf?: unknown[] };
    }
  }
  return document;
}

/** A route schema with its zod request parts replaced by their JSON Schema (the input side: what to send). */
function toJsonSchemas(schema: FastifySchema | undefined): FastifySchema {
  const out: Record<string, unknown> = { ...schema };
  for (const part of REQUEST_PARTS) {
    const value = out[part];
    if (value instanceof z.ZodType) out[part] = jsonSchemaOf(value, 'input');
  }
  return out;
}

function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    // `.readonly()` is a TypeScript matter; in OpenAPI `readOnly` would mean "never sent in requests".
    override: ({ jsonSchema }) => {
      delete jsonSchema.readOnly;
    },
  });
  return rest;
}
