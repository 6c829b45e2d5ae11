import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgetHttpCopies, parseHttpSource } from './http-source.ts';
import { parseConfig } from './parse-config.ts';

/** What the test server answers per path; `mode` of /flaky switches between a good answer and a failure. */
const INVENTORY = JSON.stringify({
  _meta: { hostvars: { web1: { ansible_host: '10.0.0.1' } } },
  web: { hosts: ['web1', 'web2'] },
  db: ['db[1-2]'],
});
let flaky: 'good' | '500' | 'down' = 'good';
let requests = 0;
let server: Server;
let base = '';
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-http-source-'));
  server = createServer((req, res) => {
    requests++;
    const path = req.url ?? '';
    if (path.startsWith('/good')) return res.end(INVENTORY);
    if (path === '/error') {
      res.statusCode = 500;
      return res.end('{"oops": true}');
    }
    if (path === '/bad-json') return res.end('{"web": [');
    if (path === '/large') {
      res.setHeader('content-type', 'application/json');
      return res.end(`{"web": ["${'a'.repeat(5000)}"]}`);
    }
    if (path === '/slow') {
      const t = setTimeout(() => res.end(INVENTORY), 3000);
      res.on('close', () => clearTimeout(t));
      return undefined;
    }
    if (path.startsWith('/flaky')) {
      if (flaky === 'good') return res.end(INVENTORY);
      if (flaky === 'down') return req.socket.destroy();
      res.statusCode = 500;
      return res.end('down for maintenance');
    }
    res.statusCode = 404;
    return res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const parse = (value: string, extra: { cacheDir?: string; httpMaxBytes?: number } = {}) =>
  parseConfig(`tag:\n  inv: ${value}\n`, { source: 'h.yaml', baseDir: dir, ...extra });

describe('http tag sources', () => {
  it('fetches inventory JSON over HTTP: groups become tags, hostvars connect settings', async () => {
    const config = await parse(`http ${base}/good?a=1&b=2#x`);
    expect(config.tags.get('inv.web')).toEqual(['web1', 'web2']);
    expect(config.tags.get('inv.db')).toEqual(['db1', 'db2']);
    expect(config.connect).toEqual(new Map([['web1', { address: '10.0.0.1' }]]));
    expect(config.warnings).toBeUndefined();
  });

  it('fails clearly on 500, bad JSON, a slow answer and a large one when there is no copy', async () => {
    await expect(parse(`http ${base}/error`)).rejects.toMatchObject({
      code: 'CONFIG_TAG_SOURCE_FAILED',
      message: `tag source "http ${base}/error" failed: the server answered HTTP 500`,
      position: { file: 'h.yaml', line: 2, column: 8 },
    });
    await expect(parse(`http ${base}/bad-json`)).rejects.toMatchObject({
      message: expect.stringContaining('invalid JSON') as unknown,
    });
    const started = Date.now();
    await expect(parse(`http ${base}/slow timeout=300ms`)).rejects.toMatchObject({
      message: expect.stringContaining('no complete answer within 300 ms') as unknown,
    });
    expect(Date.now() - started).toBeLessThan(2500);
    await expect(parse(`http ${base}/large`, { httpMaxBytes: 1000 })).rejects.toMatchObject({
      message: expect.stringContaining('larger than 1000 bytes') as unknown,
    });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(parse(`http http://127.0.0.1:${port}/nothing`)).rejects.toMatchObject({
      message: expect.stringContaining('cannot connect (ECONNREFUSED)') as unknown,
    });
  });

  it('uses a fresh copy without asking again, and a stale one with a warning when the source is down', async () => {
    flaky = 'good';
    const url = `${base}/flaky-memory`;
    await parse(`http ${url} ttl=1h`);
    const before = requests;
    await parse(`http ${url} ttl=1h`);
    expect(requests).toBe(before);
    flaky = '500';
    const stale = await parse(`http ${url} ttl=0s`);
    expect(requests).toBe(before + 1);
    expect(stale.tags.get('inv.web')).toEqual(['web1', 'web2']);
    expect(stale.warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `^tag source "http ${url}" failed \\(the server answered HTTP 500\\): using the copy fetched \\S+ \\(\\d+ s ago\\)$`,
        ),
      ),
    ]);
  });

  it('keeps copies on disk under the cache dir, for the next process', async () => {
    flaky = 'good';
    const cacheDir = join(dir, 'cache');
    const url = `${base}/flaky-disk`;
    await parse(`http ${url}`, { cacheDir });
    expect(await readdir(cacheDir)).toHaveLength(1);
    flaky = 'down';
    forgetHttpCopies(); // as a new process starts: only the disk holds the copy
    const stale = await parse(`http ${url} ttl=0s`, { cacheDir });
    expect(stale.warnings?.[0]).toMatch(/failed \(.+\): using the copy fetched/);
  });

  it('parses its options and refuses others', () => {
    expect(parseHttpSource(['https://x/i.json', 'timeout=2s', 'ttl=5m'])).toEqual({
      url: 'https://x/i.json',
      timeoutMs: 2000,
      ttlMs: 300_000,
    });
    expect(parseHttpSource(['ftp://x/i.json'])).toMatch(/not an http/);
    expect(parseHttpSource(['https://x', 'retries=3'])).toMatch(/"retries=3" is not timeout=DURATION/);
    expect(parseHttpSource(['https://x', 'timeout=0s'])).toMatch(/above 0/);
  });
});
