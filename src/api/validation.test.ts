// Issue messages: the field's path within the request part, then the rule it broke.
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { formatIssues } from './validation.ts';

function messageFor(schema: z.ZodType, value: unknown, part = 'body'): string {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) throw new Error('expected a failure');
  return formatIssues(part, result.error.issues);
}

describe('formatIssues', () => {
  test('paths use dots for names and brackets for indexes and odd keys', () => {
    const schema = z.object({ a: z.object({ 'b-c': z.array(z.string()) }) });
    expect(messageFor(schema, { a: { 'b-c': ['x', 1] } })).toBe(
      'body.a["b-c"][1]: expected string, received number',
    );
  });

  test('a missing field is "required"; an unknown one "unknown field", each named', () => {
    const schema = z.object({ a: z.string() }).strict();
    expect(messageFor(schema, { b: 1, c: 2 })).toBe(
      'body.a: required; body.b: unknown field; body.c: unknown field',
    );
  });

  test('a union reports the branch that matches the value’s type', () => {
    const schema = z.union([z.string(), z.object({ text: z.string() }).strict()]);
    expect(messageFor(schema, { text: 1 })).toBe('body.text: expected string, received number');
    expect(messageFor(schema, 5)).toBe('body: invalid input');
  });

  test('the part name leads (query, params)', () => {
    expect(messageFor(z.object({ limit: z.coerce.number().min(1) }), { limit: '0' }, 'query')).toBe(
      'query.limit: too small: expected number to be >=1',
    );
  });
});
