// The PostgreSQL store's options: URL parameters, defaults, validation, and what messages may show.
import { describe, expect, it } from 'vitest';
import { isPogoError } from '../../model/index.ts';
import { compilePostgresOptions, isPostgresUrl, redactPostgresUrl } from './postgres-options.ts';

function failure(f: () => unknown): string {
  try {
    f();
  } catch (e: unknown) {
    expect(isPogoError(e, 'STORE_UNAVAILABLE')).toBe(true);
    return (e as Error).message;
  }
  return expect.fail('expected STORE_UNAVAILABLE');
}

describe('compilePostgresOptions', () => {
  it('takes schema and pool_size from the URL and hands pg the URL without them', () => {
    const o = compilePostgresOptions({
      url: 'postgres://pogo:p%40ss@db.example.com:6543/pogo?schema=blue&pool_size=3&sslmode=require',
    });
    expect(o).toEqual({
      connectionString: 'postgres://pogo:p%40ss@db.example.com:6543/pogo?sslmode=require',
      schema: 'blue',
      startupOptions: '-c idle_in_transaction_session_timeout=5000 -c search_path=blue',
      poolSize: 3,
      where: 'db.example.com:6543/pogo',
      secrets: ['p%40ss', 'p@ss'],
    });
  });

  it('defaults: no schema (the server search_path), 10 connections, port 5432, idle transactions end after 5 s; options beat the URL', () => {
    expect(compilePostgresOptions({ url: 'postgresql://127.0.0.1/x' })).toMatchObject({
      schema: undefined,
      startupOptions: '-c idle_in_transaction_session_timeout=5000',
      poolSize: 10,
      where: '127.0.0.1:5432/x',
      secrets: [],
    });
    expect(
      compilePostgresOptions({ url: 'postgres://h/x?schema=a&pool_size=2', schema: 'b', poolSize: 7 }),
    ).toMatchObject({ schema: 'b', poolSize: 7 });
    // The URL's own libpq options are kept, the schema's search_path after them.
    expect(
      compilePostgresOptions({ url: 'postgres://h/x?options=-c%20statement_timeout%3D5s&schema=s' }),
    ).toMatchObject({
      connectionString: 'postgres://h/x',
      startupOptions: '-c idle_in_transaction_session_timeout=5000 -c statement_timeout=5s -c search_path=s',
    });
  });

  it('refuses a schema that is not a plain lower-case name, a bad pool size, a bad URL — never echoing the password', () => {
    expect(failure(() => compilePostgresOptions({ url: 'postgres://h/x?schema=Blue' }))).toContain('"Blue"');
    expect(failure(() => compilePostgresOptions({ url: 'postgres://h/x', schema: 'a;drop' }))).toContain(
      'a;drop',
    );
    expect(failure(() => compilePostgresOptions({ url: 'postgres://h/x?pool_size=0' }))).toContain(
      'pool size',
    );
    expect(
      failure(() => compilePostgresOptions({ url: 'postgres://u:hunter2@h/x', poolSize: 1.5 })),
    ).not.toContain('hunter2');
    expect(failure(() => compilePostgresOptions({ url: 'postgres://u:hunter2@[bad/x' }))).not.toContain(
      'hunter2',
    );
    expect(failure(() => compilePostgresOptions({ url: 'mysql://h/x' }))).toContain('postgres://');
  });
});

describe('redactPostgresUrl', () => {
  it('replaces the password and keeps the rest', () => {
    expect(redactPostgresUrl('postgres://pogo:hunter2@h:5432/db?schema=a')).toBe(
      'postgres://pogo:***@h:5432/db?schema=a',
    );
    expect(redactPostgresUrl('postgres://pogo@h/db')).toBe('postgres://pogo@h/db');
    expect(redactPostgresUrl('postgres://u:hunter2@[bad')).not.toContain('hunter2');
    expect(isPostgresUrl('postgresql://h/db')).toBe(true);
    expect(isPostgresUrl('sqlite:/tmp/x.db')).toBe(false);
  });
});
