// The code → status table, checked over every code Pogo has.
import { describe, expect, test } from 'vitest';
import { ERROR_CODES, PogoError } from '../model/index.ts';
import { statusForCode, toErrorReply } from './errors.ts';

/** The status each code must answer with; codes left out are internal errors (500 INTERNAL). */
const EXPECTED: Readonly<Record<string, number>> = {
  STORE_NOT_FOUND: 404,
  API_NOT_FOUND: 404,
  CONFIG_NOT_FOUND: 404,
  ENGINE_UNKNOWN_HOST: 404,
  API_BAD_REQUEST: 400,
  JOB_BAD_REQUEST: 400,
  ENVELOPE_INVALID: 400,
  USAGE: 400,
  TARGETS_EMPTY: 400,
  TARGETS_BAD_EXPRESSION: 400,
  PLAN_CYCLE: 400,
  API_UNAUTHORIZED: 401,
  AUTH_TOKEN_EXPIRED: 401,
  API_FORBIDDEN: 403,
  JOB_BAD_STATE: 409,
  JOB_NEEDS_PASSWORD: 409,
  ENGINE_BAD_TRANSITION: 409,
  STORE_CONFLICT: 409,
  LEASE_LOST: 409,
  JOB_OWNER_UNAVAILABLE: 503,
  STORE_UNAVAILABLE: 503,
};

describe('statusForCode', () => {
  test.each(ERROR_CODES.map((code) => [code]))('%s', (code) => {
    const expected = EXPECTED[code] ?? (code.startsWith('CONFIG_') ? 400 : undefined);
    expect(statusForCode(code)).toBe(expected);
  });
});

describe('toErrorReply', () => {
  test('a mapped PogoError keeps its code, message (with position) and hint', () => {
    const e = new PogoError('CONFIG_UNKNOWN_TAG', 'unknown tag $x', {
      position: { file: '<web>', line: 3, column: 5 },
      hint: 'define it',
    });
    expect(toErrorReply(e)).toEqual({
      status: 400,
      internal: false,
      body: {
        error: { code: 'CONFIG_UNKNOWN_TAG', message: '<web>:3:5: unknown tag $x', hint: 'define it' },
      },
    });
  });

  test('anything else is 500 INTERNAL with a generic message', () => {
    for (const e of [
      new Error('x'),
      'a string',
      new PogoError('SSH_UNREACHABLE', 'ssh to 10.0.0.1 failed'),
    ]) {
      const reply = toErrorReply(e);
      expect(reply.status).toBe(500);
      expect(reply.internal).toBe(true);
      expect(reply.body.error.code).toBe('INTERNAL');
      expect(reply.body.error.message).not.toContain('10.0.0.1');
    }
  });

  test("Fastify's client errors keep their status as API_BAD_REQUEST; its server errors do not", () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), {
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      statusCode: 413,
    });
    expect(toErrorReply(tooLarge)).toMatchObject({
      status: 413,
      body: { error: { code: 'API_BAD_REQUEST' } },
    });
    const internal = Object.assign(new Error('bad'), { code: 'FST_ERR_SOMETHING', statusCode: 500 });
    expect(toErrorReply(internal).status).toBe(500);
  });
});
