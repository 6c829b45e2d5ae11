// Which store a `--store` value opens, and how it is printed.
import { describe, expect, it } from 'vitest';
import { describeStore, openStore } from './run-server.ts';

describe('--store', () => {
  it('opens PostgreSQL for postgres:// and postgresql:// URLs (lazily: nothing connects yet)', async () => {
    for (const url of ['postgres://pogo@127.0.0.1:1/pogo', 'postgresql://pogo@127.0.0.1:1/pogo?schema=a']) {
      const store = openStore(url);
      expect(store.capabilities).toEqual({ dialect: 'postgres', shared: true });
      await store.close();
    }
  });

  it('refuses anything else, and prints a PostgreSQL URL without its password', () => {
    expect(() => openStore('mysql://h/db')).toThrow(/neither sqlite:PATH nor postgres/);
    expect(describeStore('postgres://pogo:hunter2@db:5432/pogo?schema=blue')).toBe(
      'postgres://pogo:***@db:5432/pogo?schema=blue',
    );
    expect(describeStore('sqlite:/var/lib/pogo/pogo.db')).toBe('sqlite:/var/lib/pogo/pogo.db');
  });
});
