// The web UI hook: GET / and client-side routes serve files from webRoot; /v1 and everything else stay the API.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { MemoryService } from '../../test/support/memory-service.ts';
import type { ApiErrorBody } from '../model/index.ts';
import { buildApi } from './app.ts';

describe('web root', () => {
  test('GET / and client-side routes serve the UI; /v1 stays the API; nothing above the root leaks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pogo-web-'));
    try {
      await writeFile(join(dir, 'index.html'), '<!doctype html><title>pogo</title>');
      await writeFile(join(dir, 'app.js'), 'console.log(1)');
      const app = await buildApi({ service: new MemoryService(), webRoot: dir });
      const index = await app.inject({ method: 'GET', url: '/' });
      expect(index.statusCode).toBe(200);
      expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(index.body).toContain('<title>pogo</title>');
      expect((await app.inject({ method: 'GET', url: '/app.js' })).headers['content-type']).toContain(
        'text/javascript',
      );
      expect((await app.inject({ method: 'GET', url: '/jobs/abc' })).body).toContain('<title>pogo</title>');
      expect((await app.inject({ method: 'GET', url: '/missing.js' })).statusCode).toBe(404);
      expect((await app.inject({ method: 'GET', url: '/v1/nope' })).json<ApiErrorBody>().error.code).toBe(
        'API_NOT_FOUND',
      );
      const escape = await app.inject({ method: 'GET', url: '/..%2f..%2fetc%2fpasswd' });
      expect(escape.statusCode).toBe(404);
      expect((await app.inject({ method: 'POST', url: '/' })).statusCode).toBe(404);
      await app.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
