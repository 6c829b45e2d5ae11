// The SQLite store: the backend-agnostic contract on a temp file per test, plus what only SQLite has.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/index.ts';
import { describeStoreContract } from './contract.ts';
import { batch, chunk, expectPogoError, newJob, started } from './contract/fixtures.ts';
import { CRASH_HOSTS, CRASH_JOB, crashBatchNumber } from './crash-batch.ts';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'pogo-sqlite-'));
}

describeStoreContract('sqlite', async () => {
  const dir = await tempDir();
  const store = openSqliteStore(join(dir, 'pogo.db'));
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('SQLite store', () => {
  let dir = '';
  let file = '';
  const open: Store[] = [];
  const openStore = (): Store => {
    const s = openSqliteStore(file);
    open.push(s);
    return s;
  };
  beforeEach(async () => {
    dir = await tempDir();
    file = join(dir, 'pogo.db');
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps everything across close and reopen', async () => {
    const a = openStore();
    await a.migrate();
    await a.createJob(newJob('j-keep'));
    await a.recordProgress(
      batch({
        jobs: [{ id: 'j-keep', state: 'running' }],
        hosts: [{ jobId: 'j-keep', host: 'h1', state: 'running', attempt: 1 }],
        events: [started('j-keep', 1, 'h1')],
        output: [chunk('j-keep', 'h1', 1, 0, 'kept\n')],
      }),
    );
    await a.putNamespace('web', 'x: 1', 'alice', 1);
    await a.close();
    const b = openStore();
    expect(await b.migrate()).toBe(0);
    expect((await b.getJob('j-keep')).state).toBe('running');
    expect(await b.readEvents('j-keep', 0)).toEqual([started('j-keep', 1, 'h1')]);
    expect((await b.readOutput('j-keep', 'h1')).chunks[0]?.data.toString()).toBe('kept\n');
    expect((await b.getNamespace('web')).text).toBe('x: 1');
  });

  it('turns a 0001 user role into a `*` grant and gives old tokens an id (migration 0002)', async () => {
    const raw = new Database(file);
    try {
      raw.exec(
        readFileSync(new URL('../../src/store/sqlite/migrations/0001_init.sql', import.meta.url), 'utf8'),
      );
      raw.exec(
        'CREATE TABLE schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);' +
          "INSERT INTO schema_migrations VALUES (1, 'init', 1);" +
          "INSERT INTO users VALUES ('olga', 'operator', 5);" +
          `INSERT INTO tokens VALUES ('${'f'.repeat(64)}', 'olga', 'old', 6);`,
      );
    } finally {
      raw.close();
    }
    const s = openStore();
    expect(await s.migrate()).toBeGreaterThan(0);
    expect(await s.findToken('f'.repeat(64))).toEqual({
      user: { name: 'olga', createdAt: 5, disabledAt: null, grants: [{ namespace: '*', role: 'operator' }] },
      token: {
        id: 'ffffffffff',
        label: 'old',
        createdAt: 6,
        expiresAt: null,
        revokedAt: null,
        lastUsedAt: null,
      },
    });
  });

  it('uses WAL and records its migrations', async () => {
    await openStore().migrate();
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      const rows = raw.prepare('SELECT id, name FROM schema_migrations ORDER BY id').all();
      expect(rows[0]).toEqual({ id: 1, name: 'init' });
    } finally {
      raw.close();
    }
  });

  it('refuses a database written by a newer Pogo (STORE_MIGRATION_FAILED)', async () => {
    const a = openStore();
    await a.migrate();
    await a.close();
    const raw = new Database(file);
    raw
      .prepare("INSERT INTO schema_migrations (id, name, applied_at) VALUES (9999, 'from_the_future', 0)")
      .run();
    raw.close();
    const e = await expectPogoError(openStore().migrate(), 'STORE_MIGRATION_FAILED');
    expect(e.message).toContain('newer Pogo');
    expect(e.message).toContain('9999');
  });

  it('reports a database it cannot open, and a closed store, as STORE_UNAVAILABLE', async () => {
    let caught: unknown;
    try {
      openSqliteStore(join(dir, 'no', 'such', 'dir', 'pogo.db'));
    } catch (e: unknown) {
      caught = e;
    }
    expect(caught).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    const s = openStore();
    await s.migrate();
    await s.close();
    await expectPogoError(s.getJob('x'), 'STORE_UNAVAILABLE');
  });

  it('a writer killed with SIGKILL leaves every committed batch whole and no partial one', async () => {
    const writer = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));
    let lastPrinted = 0;
    for (const killAfter of [15, 40, 25]) {
      const printed = await runAndKill(writer, file, lastPrinted + killAfter);
      const s = openStore();
      const job = await s.getJob(CRASH_JOB);
      const k = crashBatchNumber(job);
      expect(k).toBeGreaterThanOrEqual(printed);
      expect(k).toBeLessThanOrEqual(printed + 1); // the batch in flight may have committed, unreported
      const hosts = await s.allHosts(CRASH_JOB);
      expect(hosts.length).toBe(CRASH_HOSTS.length);
      expect(hosts.every((h) => h.attempt === k && h.message === `batch ${k}`)).toBe(true);
      expect(await s.lastEventSeq(CRASH_JOB)).toBe(k * 100);
      const events = await s.readEvents(CRASH_JOB, 0, 1_000_000);
      expect(events.length).toBe(k * 100);
      expect(events.every((e, i) => e.seq === i + 1)).toBe(true);
      expect(await s.lastOutputSeq(CRASH_JOB, 'h0', 1)).toBe(k);
      const out = await s.readOutput(CRASH_JOB, 'h0', { attempt: 1, limit: 1 << 30 });
      expect(out.total).toBe(k * 4096);
      expect(out.chunks.length).toBe(k);
      expect((await s.getHost(CRASH_JOB, 'h0')).outputBytes).toBe(k * 4096);
      await s.close();
      lastPrinted = k;
    }
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      raw.close();
    }
  });
});

/** Run the crash writer until it reports batch `until`, kill it with SIGKILL; returns the last batch it reported. */
function runAndKill(script: string, dbPath: string, until: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, dbPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let last = 0;
    let buffered = '';
    let stderr = '';
    let killed = false;
    // Never outlive the test: a writer that stalls is killed and the run fails.
    const guard = setTimeout(() => child.kill('SIGKILL'), 40_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      buffered += text;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) last = Number(line);
      if (last >= until && !killed) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      if (signal === 'SIGKILL' && killed) resolve(last);
      else
        reject(
          new Error(`crash writer ended before batch ${until} (code ${code}, signal ${signal}): ${stderr}`),
        );
    });
  });
}
