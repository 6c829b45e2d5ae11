// The client commands besides `pogo run` (status, jobs, retry, log, config) against a real canned HTTP server.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CannedRequest } from './support/canned-server.ts';
import { closedPort, sendJson } from './support/canned-server.ts';
import { useClientHarness } from './support/client-harness.ts';
import { counts, hostRecord, jobRecord, jobView } from './support/job-records.ts';
import { runPogo } from './support/run-pogo.ts';

const ID = 'a1b2c3d4e5f60718';
const JOB = `/v1/jobs/${ID}`;

const h = useClientHarness();
const { pogo } = h;
const posted = (path: string): CannedRequest | undefined =>
  h.server().requests.find((r) => r.method === 'POST' && r.path === path);

describe('other client commands', () => {
  it('status prints the job and exits 3 while it runs, 66 for an unknown job', async () => {
    await h.serve((req, res) => {
      if (req.path === '/v1/jobs/last')
        return sendJson(res, 200, jobView({ counts: counts({ running: 1, waiting: 2 }) }));
      if (req.path === `${JOB}/hosts`) {
        expect(req.query.get('state')).toBe(
          'waiting,ready,running,failed,unreachable,timed_out,lost,skipped,halted',
        );
        return sendJson(res, 200, { items: [hostRecord({ host: 'web1', state: 'running', attempt: 1 })] });
      }
      sendJson(res, 404, { error: { code: 'STORE_NOT_FOUND', message: 'no job matches "zz"' } });
    });
    const r = await pogo(['status', 'last', '--hosts']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('state      running\n');
    expect(r.stdout).toContain('hosts      3: 2 waiting, 1 running\n');
    expect(r.stdout).toContain('| web1 | running |       1 |      |         |');
    const missing = await pogo(['status', 'zz']);
    expect(missing).toMatchObject({ code: 66, stdout: '' });
    expect(missing.stderr).toBe('pogo: no job matches "zz"\n  hint: list jobs with `pogo jobs --all`\n');
  });

  it('an unreachable server exits 69 naming the URL and the cause', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const r = await runPogo(['status', 'last', '--server', url], { env: { XDG_CONFIG_HOME: h.home() } });
    expect(r).toEqual({
      code: 69,
      stdout: '',
      stderr:
        `pogo: cannot reach the server at ${url}: connection refused\n` +
        '  hint: is `pogo server` running? check --server / POGO_SERVER\n',
    });
  });

  it('jobs shows your own jobs by default (the user of /v1/me)', async () => {
    const server = await h.serve((req, res) => {
      if (req.path === '/v1/me')
        return sendJson(res, 200, { user: 'alice', role: 'operator', remote: '127.0.0.1' });
      sendJson(res, 200, {
        items: [jobRecord({ state: 'failed', counts: counts({ succeeded: 2, failed: 1 }) })],
      });
    });
    const r = await pogo(['jobs', '--state', 'failed,halted']);
    expect(r.code).toBe(0);
    expect(server.requests.at(-1)?.url).toBe('/v1/jobs?user=alice&state=failed%2Chalted&limit=50');
    expect(r.stdout).toContain(
      '| a1b2c3d4 | alice | failed |             2/1/3 | default   | 2024-03-05 14:00 | uptime  |',
    );
    const bad = await pogo(['jobs', '--state', 'done']);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('pogo: --state: "done" is not a job state');
  });

  it('retry expands host patterns; a refused state change exits 75', async () => {
    await h.serve((req, res) => {
      if (req.path.endsWith('/retry')) return sendJson(res, 200, jobView({ counts: counts({ waiting: 3 }) }));
      sendJson(res, 409, {
        error: { code: 'JOB_BAD_STATE', message: 'job a1b2c3d4 is running, not halted' },
      });
    });
    const r = await pogo(['retry', 'a1b2', 'web[1-2]', 'db1,db2']);
    expect(r.code).toBe(0);
    expect(JSON.parse(posted('/v1/jobs/a1b2/retry')?.body ?? '')).toEqual({
      hosts: ['web1', 'web2', 'db1', 'db2'],
    });
    expect(r.stdout).toBe(`retrying 4 hosts (web[1-2],db[1-2]) of a1b2\n${ID} running\nhosts: 3 waiting\n`);
    const resume = await pogo(['resume', 'a1b2']);
    expect(resume.code).toBe(75);
    expect(resume.stderr).toContain('pogo: job a1b2c3d4 is running, not halted\n');
  });

  it('log JOB HOST pages through the output', async () => {
    const text = 'line one\nline two\nline three\n';
    const server = await h.serve((req, res) => {
      if (req.path === JOB) return sendJson(res, 200, jobView({ state: 'failed' }));
      const offset = Number(req.query.get('offset'));
      const end = Math.min(text.length, offset + 9);
      res.writeHead(200, {
        'x-pogo-attempt': '1',
        'x-pogo-next-offset': String(end),
        'x-pogo-total': String(text.length),
        'x-pogo-truncated': 'false',
      });
      res.end(text.slice(offset, end));
    });
    const r = await pogo(['log', ID, 'web2']);
    expect(r).toEqual({ code: 0, stdout: text, stderr: '' });
    expect(
      server.requests.filter((q) => q.path.endsWith('/output')).map((q) => q.query.get('offset')),
    ).toEqual(['0', '9', '18', '27']);
  });

  it('config validate prints the error at line:column and exits 65', async () => {
    const server = await h.serve((_req, res) =>
      sendJson(res, 200, {
        ok: false,
        code: 'CONFIG_UNKNOWN_TAG',
        message: 'unknown tag $frontends',
        line: 4,
        column: 5,
        hint: 'did you mean $frontend?',
      }),
    );
    await writeFile(join(h.home(), 'web.yaml'), 'tag: {}\n');
    const r = await pogo(['config', 'validate', 'web', 'web.yaml'], h.home());
    expect(r).toEqual({
      code: 65,
      stdout: '',
      stderr: 'pogo: web.yaml:4:5: unknown tag $frontends\n  hint: did you mean $frontend?\n',
    });
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/namespaces/web/validate',
      body: 'tag: {}\n',
    });
  });
});
