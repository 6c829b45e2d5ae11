// PostgreSQL errors as PogoErrors: which SQLSTATE becomes which code, and no secret in any message.
import { DatabaseError } from 'pg';
import { describe, expect, it } from 'vitest';
import { PogoError } from '../../model/index.ts';
import { isDuplicateKey, toStoreError } from './pg-errors.ts';

const ctx = { where: 'db:5432/pogo', secrets: ['hunter2'] };

function pgError(code: string, message = `failure ${code}`): DatabaseError {
  const e = new DatabaseError(message, message.length, 'error');
  e.code = code;
  return e;
}

describe('toStoreError', () => {
  it('maps constraint violations: unique and others to STORE_CONFLICT, foreign keys to STORE_NOT_FOUND', () => {
    expect(toStoreError(pgError('23505'), 'create the job', ctx).code).toBe('STORE_CONFLICT');
    expect(toStoreError(pgError('23514'), 'create the user', ctx).code).toBe('STORE_CONFLICT');
    expect(toStoreError(pgError('23503'), 'record progress', ctx).code).toBe('STORE_NOT_FOUND');
    expect(isDuplicateKey(pgError('23505'))).toBe(true);
    expect(isDuplicateKey(pgError('23503'))).toBe(false);
  });

  it('maps shutdowns, connection failures and refused logins to STORE_UNAVAILABLE naming the database', () => {
    for (const code of ['57P01', '57P03', '08006', '08001', '53300', '28P01', '3D000', '40001', '42P01']) {
      const e = toStoreError(pgError(code), 'read the job', ctx);
      expect(e.code, code).toBe('STORE_UNAVAILABLE');
      expect(e.message).toContain(code);
    }
    expect(toStoreError(pgError('57P01'), 'read the job', ctx).message).toContain('db:5432/pogo');
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const e = toStoreError(refused, 'read the job', ctx);
    expect(e.code).toBe('STORE_UNAVAILABLE');
    expect(e.message).toBe(
      'cannot read the job: cannot reach PostgreSQL at db:5432/pogo: connect ECONNREFUSED 10.0.0.1:5432',
    );
  });

  it('scrubs secrets from every message and passes PogoErrors through', () => {
    const leaky = pgError('08006', 'connection to postgres://u:hunter2@db failed');
    expect(toStoreError(leaky, 'read', ctx).message).not.toContain('hunter2');
    expect(toStoreError(new Error('bad password hunter2'), 'read', ctx).message).toContain(
      'bad password ***',
    );
    const lost = new PogoError('LEASE_LOST', 'epoch moved on');
    expect(toStoreError(lost, 'record progress', ctx)).toBe(lost);
  });
});
