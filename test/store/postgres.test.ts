// The PostgreSQL store: the backend-agnostic contract in a fresh schema per test, plus what only a shared store has.
import { createServer } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isPogoError } from '../../src/model/index.ts';
import { openPostgresStore } from '../../src/store/index.ts';
import { PgConnection } from '../../src/store/postgres/pg-connection.ts';
import { compilePostgresOptions } from '../../src/store/postgres/postgres-options.ts';
import type { Store, StoreChange } from '../../src/store/index.ts';
import {
  adminQuery,
  dropSchema,
  ensurePostgres,
  PG_URL,
  randomSchema,
  urlWithSchema,
} from '../support/postgres.ts';
import { describeStoreContract } from './contract.ts';
import { batch, chunk, expectPogoError, newJob, started } from './contract/fixtures.ts';

beforeAll(ensurePostgres, 30_000);

describeStoreContract('postgres', () => {
  const schema = randomSchema();
  const store = openPostgresStore({ url: PG_URL, schema, poolSize: 4 });
  return Promise.resolve({
    store,
    cleanup: async () => {
      await store.close();
      await dropSchema(schema);
    },
  });
});

describe('PostgreSQL store', () => {
  const schemas: string[] = [];
  const open: Store[] = [];
  /** A store on `schema` (a new random one by default); closed and dropped after the test. */
  const openStore = (schema = randomSchema(), url = PG_URL): Store => {
    if (!schemas.includes(schema)) schemas.push(schema);
    const s = openPostgresStore({ url, schema, poolSize: 4 });
    open.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    for (const schema of schemas.splice(0)) await dropSchema(schema);
  });

  it('two servers racing for the same free job: exactly one gets it, at a new epoch', async () => {
    const schema = randomSchema();
    const a = openStore(schema);
    const b = openStore(schema);
    await a.migrate();
    for (let round = 0; round < 20; round++) {
      const id = `j-race-${round}`;
      await a.createJob(newJob(id));
      const [la, lb] = await Promise.all([
        a.acquireLease(id, 'server-a', 30_000, 1_000),
        b.acquireLease(id, 'server-b', 30_000, 1_000),
      ]);
      const won = [la, lb].filter((l) => l !== undefined);
      expect(won, `round ${round}`).toHaveLength(1);
      expect(won[0]?.epoch).toBe(1);
      // After expiry both race again: again one winner, and the epoch moves on exactly once.
      const [ea, eb] = await Promise.all([
        a.acquireLease(id, 'server-a', 30_000, 40_000),
        b.acquireLease(id, 'server-b', 30_000, 40_000),
      ]);
      const next = [ea, eb].filter((l) => l !== undefined);
      expect(next).toHaveLength(1);
      expect(next[0]?.epoch).toBe(2);
    }
  });

  it('a batch from the server that lost the lease is refused with LEASE_LOST and writes nothing', async () => {
    const schema = randomSchema();
    const a = openStore(schema);
    const b = openStore(schema);
    await a.migrate();
    await a.createJob(newJob('j-fence'));
    const first = await a.acquireLease('j-fence', 'server-a', 1_000, 0);
    expect(first?.epoch).toBe(1);
    await a.recordProgress(
      batch({ events: [started('j-fence', 1, 'h1')], epochs: new Map([['j-fence', 1]]) }),
    );
    const taken = await b.acquireLease('j-fence', 'server-b', 30_000, 5_000); // a's lease expired
    expect(taken?.epoch).toBe(2);
    const stale = batch({
      epochs: new Map([['j-fence', 1]]),
      jobs: [{ id: 'j-fence', state: 'running' }],
      hosts: [{ jobId: 'j-fence', host: 'h2', state: 'running', attempt: 1 }],
      events: [started('j-fence', 2, 'h2')],
      output: [chunk('j-fence', 'h2', 1, 0, 'twice?\n')],
    });
    const e = await expectPogoError(a.recordProgress(stale), 'LEASE_LOST');
    expect(e.message).toContain('epoch 1');
    expect((await b.getJob('j-fence')).state).toBe('pending');
    expect((await b.getHost('j-fence', 'h2')).state).toBe('waiting');
    expect((await b.getHost('j-fence', 'h2')).outputBytes).toBe(0);
    expect(await b.lastEventSeq('j-fence')).toBe(1);
    expect(await b.lastOutputSeq('j-fence', 'h2', 1)).toBe(-1);
    await b.recordProgress({ ...stale, epochs: new Map([['j-fence', 2]]) });
    expect((await b.getHost('j-fence', 'h2')).state).toBe('running');
  });

  it('a lease cannot change hands while a batch of the old owner is being written', async () => {
    const schema = randomSchema();
    const a = openStore(schema);
    const b = openStore(schema);
    await a.migrate();
    for (let round = 0; round < 10; round++) {
      const id = `j-handover-${round}`;
      await a.createJob(newJob(id));
      await a.acquireLease(id, 'server-a', 1_000, 0);
      let seq = 0;
      const writes = (async () => {
        for (;;) {
          try {
            await a.recordProgress(
              batch({ epochs: new Map([[id, 1]]), events: [started(id, seq + 1, 'h1')] }),
            );
            seq++;
          } catch (e: unknown) {
            if (isPogoError(e, 'LEASE_LOST')) return;
            throw e;
          }
        }
      })();
      await new Promise((r) => setTimeout(r, 5 + round));
      const taken = await b.acquireLease(id, 'server-b', 30_000, 10_000);
      expect(taken?.epoch).toBe(2);
      const seen = await b.lastEventSeq(id);
      await writes;
      // Every batch a wrote committed before b took the job: none landed after b looked.
      expect(await b.lastEventSeq(id)).toBe(seen);
      expect(seen).toBe(seq);
    }
  });

  it('a server frozen inside a transaction does not hold its row locks for ever: the next owner gets the job', async () => {
    const schema = randomSchema();
    const a = openStore(schema);
    await a.migrate();
    await a.createJob(newJob('j-frozen'));
    await a.acquireLease('j-frozen', 'server-a', 1_000, 0);
    // A connection with the store's own settings that locks the job's row and then says nothing more,
    // as a process stopped (SIGSTOP) between two statements of a batch would.
    const frozen = new PgConnection(compilePostgresOptions({ url: PG_URL, schema }));
    let wake = (): void => undefined;
    const asleep = new Promise<void>((r) => (wake = r));
    const held = frozen
      .write(async (sql) => {
        await sql.run('SELECT id FROM jobs WHERE id = $1 FOR NO KEY UPDATE', ['j-frozen']);
        await asleep;
        await sql.run('SELECT 1');
      })
      .then(
        () => 'committed',
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      );
    try {
      await new Promise((r) => setTimeout(r, 200));
      // The next owner waits for the row until PostgreSQL ends the idle transaction (5 s), then takes the job.
      const lease = await openStore(schema).acquireLease('j-frozen', 'server-b', 30_000, 10_000);
      expect(lease).toMatchObject({ owner: 'server-b', epoch: 2 });
    } finally {
      wake();
    }
    // The frozen server, woken, finds its transaction gone: nothing it does next is committed.
    expect(await held).not.toBe('committed');
    await frozen.close();
  }, 60_000);

  it('migrations are idempotent, also when several servers start at once', async () => {
    const schema = randomSchema();
    const stores = [openStore(schema), openStore(schema), openStore(schema)];
    const ran = await Promise.all(stores.map((s) => s.migrate()));
    expect([...ran].sort()).toEqual([0, 0, 5]);
    expect(await stores[0]?.migrate()).toBe(0);
    const rows = await adminQuery<{ id: number; name: string }>(
      `SELECT id, name FROM ${schema}.schema_migrations ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: 1, name: 'init' },
      { id: 2, name: 'grants_tokens' },
      { id: 3, name: 'retention' },
      { id: 4, name: 'cluster' },
      { id: 5, name: 'relay' },
    ]);
  });

  it('refuses a database written by a newer Pogo (STORE_MIGRATION_FAILED)', async () => {
    const schema = randomSchema();
    await openStore(schema).migrate();
    await adminQuery(
      `INSERT INTO ${schema}.schema_migrations (id, name, applied_at) VALUES (9999, 'from_the_future', 0)`,
    );
    const e = await expectPogoError(openStore(schema).migrate(), 'STORE_MIGRATION_FAILED');
    expect(e.message).toContain('newer Pogo');
    expect(e.message).toContain('9999');
  });

  it('creates its schema, keeps its tables there, and takes ?schema= from the URL', async () => {
    const schema = randomSchema();
    const explicit = randomSchema();
    const s = openStore(explicit, urlWithSchema(schema));
    schemas.push(schema);
    await s.migrate();
    await s.createJob(newJob('j-where'));
    const tables = await adminQuery<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [schema],
    );
    // openStore's explicit schema wins over the URL's: this store lives in `explicit`.
    expect(tables).toEqual([]);
    const url = openPostgresStore({ url: urlWithSchema(schema) });
    open.push(url);
    await url.migrate();
    expect(await url.getJob('j-where').catch((e: unknown) => isPogoError(e, 'STORE_NOT_FOUND'))).toBe(true);
    const mine = await adminQuery<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [schema],
    );
    expect(mine.map((t) => t.table_name)).toContain('jobs');
  });

  it('two servers uploading one namespace at once get distinct versions', async () => {
    const schema = randomSchema();
    const a = openStore(schema);
    const b = openStore(schema);
    await a.migrate();
    const puts = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).putNamespace('web', `v: ${i}`, 'alice', i)),
    );
    expect(puts.map((p) => p.version).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('an unreachable database is STORE_UNAVAILABLE, and the password never shows', async () => {
    const port = await closedPort();
    const password = 'Sup3r-S3cret-pw';
    const s = openPostgresStore({ url: `postgres://pogo:${password}@127.0.0.1:${port}/pogo` });
    open.push(s);
    for (const call of [s.migrate(), s.getJob('x'), s.recordProgress(batch())]) {
      const e = await expectPogoError(call, 'STORE_UNAVAILABLE');
      expect(e.message).toContain(`127.0.0.1:${port}/pogo`);
      for (const text of [e.message, e.hint ?? '', String(e), JSON.stringify(e)])
        expect(text).not.toContain(password);
    }
  });

  it('keeps text with NUL characters (which PostgreSQL text cannot hold) as U+FFFD instead of refusing the batch', async () => {
    const s = openStore();
    await s.migrate();
    await s.createJob(newJob('j-nul', { command: 'echo a\u0000b' }));
    await s.recordProgress(
      batch({
        hosts: [{ jobId: 'j-nul', host: 'h1', message: 'bad\u0000byte' }],
        events: [
          { jobId: 'j-nul', seq: 1, type: 'host:failed', t: 1, host: 'h1', exitCode: 1, message: 'x\u0000y' },
        ],
        output: [chunk('j-nul', 'h1', 1, 0, 'raw\u0000bytes')],
      }),
    );
    expect((await s.getJob('j-nul')).command).toBe('echo a\uFFFDb');
    expect((await s.getHost('j-nul', 'h1')).message).toBe('bad\uFFFDbyte');
    expect(await s.readEvents('j-nul', 0)).toMatchObject([{ message: 'x\uFFFDy' }]);
    expect((await s.readOutput('j-nul', 'h1', { attempt: 1 })).chunks[0]?.data.toString()).toBe(
      'raw\u0000bytes',
    );
  });

  it('carries on after PostgreSQL ends its idle connections (admin shutdown of the sessions)', async () => {
    const app = randomSchema('pogo_app');
    const url = new URL(PG_URL);
    url.searchParams.set('application_name', app);
    const s = openStore(randomSchema(), url.toString());
    await s.migrate();
    await s.createJob(newJob('j-kick'));
    const killed = await adminQuery<{ ok: boolean }>(
      'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1',
      [app],
    );
    expect(killed.length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 100)); // the pool hears of it and drops them
    expect((await s.getJob('j-kick')).id).toBe('j-kick');
    await s.recordProgress(batch({ jobs: [{ id: 'j-kick', state: 'running' }] }));
    expect((await s.getJob('j-kick')).state).toBe('running');
  });

  it('re-establishes its LISTEN connection when PostgreSQL ends it, says resync, and hears changes again', async () => {
    const schema = randomSchema();
    const watcher = openStore(schema);
    const writer = openStore(schema);
    await watcher.migrate();
    const seen: StoreChange[] = [];
    watcher.watch((c) => seen.push(c));
    const heard = async (id: string): Promise<void> => {
      for (let i = 0; i < 100; i++) {
        if (seen.some((c) => c.topic === 'job' && c.jobId === id)) return;
        if (i % 10 === 0) await writer.createJob(newJob(`${id}-${i}`)).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no change for ${id}: ${JSON.stringify(seen)}`);
    };
    // The listening connection comes up asynchronously: a first change gets through.
    for (let i = 0; i < 100 && !seen.some((c) => c.topic === 'job'); i++) {
      await writer.createJob(newJob(`j-first-${i}`));
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen.some((c) => c.topic === 'job')).toBe(true);
    const killed = await adminQuery<{ ok: boolean }>(
      'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1',
      [`pogo-listen:${schema}`],
    );
    expect(killed).toHaveLength(1);
    await until(() => seen.some((c) => c.topic === 'resync'), 10_000);
    seen.length = 0;
    await writer.createJob(newJob('j-after-kill'));
    await heard('j-after-kill');
  });

  it('a connection that ends between two statements of a transaction fails it, and nothing is thrown unhandled', async () => {
    const app = randomSchema('pogo_tx');
    const url = new URL(PG_URL);
    url.searchParams.set('application_name', app);
    const c = new PgConnection(compilePostgresOptions({ url: url.toString() }));
    try {
      const tx = c.write(async (s) => {
        await s.run('SELECT 1');
        await adminQuery(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
          [app],
        );
        await new Promise((r) => setTimeout(r, 300)); // the socket ends while no statement runs
        await s.run('SELECT 2');
      });
      await expect(tx).rejects.toThrow();
      // The pool goes on with a fresh connection.
      expect(await c.write((s) => s.first<{ n: number }>('SELECT 3 AS n'))).toEqual({ n: 3 });
    } finally {
      await c.close();
    }
  });

  it('a closed store is STORE_UNAVAILABLE', async () => {
    const s = openStore();
    await s.migrate();
    await s.close();
    await s.close();
    await expectPogoError(s.getJob('x'), 'STORE_UNAVAILABLE');
  });
});

/** A TCP port on 127.0.0.1 that nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 1;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function until(pred: () => boolean, ms: number): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out');
}
