// The local transport with real processes: output, exit and signal, timeout and abort killing the whole group.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalTransport } from './local-transport.ts';
import type { OutputChunk, Session } from './types.ts';

/** Live (non-zombie) processes whose command line contains `tag`. */
function running(tag: string): number {
  const out = execFileSync(
    '/bin/sh',
    ['-c', `ps -eo stat=,args= | grep -v grep | grep -v '^Z' | grep -c -- '${tag}' || true`],
    {
      encoding: 'utf8',
    },
  );
  return Number(out.trim());
}

const text = (chunks: OutputChunk[], stream: 'stdout' | 'stderr'): string =>
  Buffer.concat(chunks.filter((c) => c.stream === stream).map((c) => c.data)).toString();

describe('local transport', () => {
  const transport = createLocalTransport({ killGraceMs: 300 });
  let session: Session;
  let dir: string;
  beforeAll(async () => {
    session = await transport.open({ host: 'local' });
    dir = await mkdtemp(join(tmpdir(), 'pogo-local-'));
  });
  afterAll(async () => {
    session.close();
    await transport.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs sh -c with the environment, stdin, and separate stdout and stderr', async () => {
    const chunks: OutputChunk[] = [];
    const r = await session.exec('echo "$POGO_HOST"; cat; echo oops >&2; exit 3', {
      env: { POGO_HOST: 'web 1' },
      stdin: 'from stdin\n',
      onOutput: (c) => chunks.push(c),
    });
    expect(r).toMatchObject({ exitCode: 3, signal: null, timedOut: false, aborted: false });
    expect(text(chunks, 'stdout')).toBe('web 1\nfrom stdin\n');
    expect(text(chunks, 'stderr')).toBe('oops\n');
  });

  it('reports a death by signal', async () => {
    expect(await session.exec('kill -USR1 $$')).toMatchObject({ exitCode: null, signal: 'SIGUSR1' });
  });

  it('on timeout kills the whole process group, background children included', async () => {
    const tag = `sleep 3${Math.floor(Math.random() * 1000)}`;
    const r = await session.exec(`${tag} & ${tag}; echo never`, { timeoutMs: 200 });
    expect(r).toMatchObject({ timedOut: true, aborted: false, exitCode: null, signal: 'SIGTERM' });
    expect(r.durationMs).toBeLessThan(2000);
    expect(running(tag)).toBe(0);
  });

  it('KILLs what ignores TERM once the grace period is over', async () => {
    const tag = `sleep 4${Math.floor(Math.random() * 1000)}`;
    const r = await session.exec(`trap '' TERM; ${tag} & wait`, { timeoutMs: 100 });
    expect(r.timedOut).toBe(true);
    expect(r.durationMs).toBeGreaterThanOrEqual(350);
    expect(running(tag)).toBe(0);
  });

  it('stops on abort and says so', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const r = await session.exec('sleep 30', { signal: abort.signal });
    expect(r).toMatchObject({ aborted: true, timedOut: false });
  });

  it('uploads a file with mode 0700', async () => {
    const path = join(dir, 'script');
    await session.upload(path, Buffer.from('#!/bin/sh\necho hi\n'));
    expect(await readFile(path, 'utf8')).toBe('#!/bin/sh\necho hi\n');
    expect((await stat(path)).mode & 0o777).toBe(0o700);
    await expect(session.upload(join(dir, 'no/such/dir/x'), Buffer.from(''))).rejects.toMatchObject({
      code: 'TRANSPORT_UPLOAD_FAILED',
    });
  });

  it('refuses to open after close', async () => {
    const t = createLocalTransport();
    await t.close();
    await expect(t.open({ host: 'x' })).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
  });
});
