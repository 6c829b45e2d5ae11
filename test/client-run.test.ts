// `pogo run` as a user runs it (node bin/pogo.js) against a real HTTP server with canned answers.
import { spawn } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CannedRequest } from './support/canned-server.ts';
import { sendJson, sseEvent } from './support/canned-server.ts';
import { useClientHarness } from './support/client-harness.ts';
import { CREATED_AT, counts, jobRecord, jobView } from './support/job-records.ts';
import { POGO_BIN, jsonLines, pogoEnv } from './support/run-pogo.ts';

const ID = 'a1b2c3d4e5f60718';
const JOB = `/v1/jobs/${ID}`;

/** The events of a job on web1..web3 where web2 fails with exit 3. */
const EVENTS: Record<string, unknown>[] = [
  { type: 'job:submitted', by: 'alice' },
  { type: 'job:started' },
  { type: 'host:started', host: 'web1' },
  { type: 'host:succeeded', host: 'web1', exitCode: 0, message: 'ok' },
  { type: 'host:started', host: 'web2' },
  { type: 'host:failed', host: 'web2', exitCode: 3, message: 'exit 3' },
  { type: 'host:started', host: 'web3' },
  { type: 'host:succeeded', host: 'web3', exitCode: 0, message: 'ok' },
  { type: 'job:failed', reason: '1 host failed' },
].map((e, i) => ({ ...e, seq: i + 1, jobId: ID, t: CREATED_AT + 100 * (i + 1) }));

const FAILED_VIEW = jobView({
  state: 'failed',
  reason: '1 host failed',
  endedAt: CREATED_AT + 2500,
  counts: counts({ succeeded: 2, failed: 1 }),
});

/** Write the events with seq above `after`, up to `until` (inclusive), as SSE. */
function writeEvents(res: ServerResponse, after: number, until = EVENTS.length): void {
  for (const e of EVENTS.filter((x) => (x.seq as number) > after && (x.seq as number) <= until)) {
    res.write(sseEvent(e.seq as number, e.type as string, e));
  }
}

function startStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
}

const h = useClientHarness();
const { pogo } = h;
const posted = (path: string): CannedRequest | undefined =>
  h.server().requests.find((r) => r.method === 'POST' && r.path === path);

describe('pogo run', () => {
  it('--detach submits the checked request (with @file expanded here) and prints the id and URL', async () => {
    const server = await h.serve((req, res) => sendJson(res, 201, jobRecord()));
    await writeFile(join(h.home(), 'hosts.txt'), 'db1\ndb2 # both\n');
    const r = await pogo(
      [
        'run',
        '-n',
        'web',
        '-t',
        'web[1-3],@hosts.txt',
        '--max-parallel',
        '50%',
        '--max-failures',
        '1',
        '--timeout',
        '30s',
        '--retries',
        '2',
        '--pre',
        'echo hi',
        '--detach',
        '--',
        'uptime',
        '-p',
      ],
      h.home(),
    );
    expect(r).toEqual({ code: 0, stdout: `${ID}\n${server.url}/jobs/${ID}\n`, stderr: '' });
    const submit = posted('/v1/jobs');
    expect(submit?.headers.authorization).toBe('Bearer t0k');
    expect(JSON.parse(submit?.body ?? '')).toEqual({
      namespace: 'web',
      command: 'uptime -p',
      targets: 'web[1-3],db[1-2]',
      maxParallel: '50%',
      maxFailures: '1',
      timeoutMs: 30_000,
      retries: 2,
      hooks: { pre: true, post: true, inlinePre: ['echo hi'], inlinePost: [] },
    });
  });

  it('checks flags before calling the server, with the messages of pogo one', async () => {
    const server = await h.serve((_req, res) => sendJson(res, 500, {}));
    const cases: [string[], string][] = [
      [['-t', 'web1', '--retries', 'x', '--', 'true'], 'pogo: --retries: "x" is not a whole number\n'],
      [['--', 'true'], 'pogo: no targets given\n  hint: pass --targets h1,h2 (or web[01-20], $tag, @file)\n'],
      [['-t', 'web1'], "pogo: no command given\n  hint: write it after --: pogo run -t HOSTS -- 'uptime'\n"],
      [
        ['-t', 'web1', '--timeout', '10', '--', 'true'],
        'pogo: --timeout: "10" is not a duration\n  hint: add a unit',
      ],
    ];
    for (const [args, message] of cases) {
      const r = await pogo(['run', ...args]);
      expect(r.code, args.join(' ')).toBe(64);
      expect(r.stderr.startsWith(message), r.stderr).toBe(true);
    }
    expect(server.requests).toEqual([]);
  });

  it('follows the job as pogo one prints it and exits 1 when a host failed', async () => {
    const server = await h.serve((req, res) => {
      if (req.method === 'POST') return sendJson(res, 201, jobRecord());
      if (req.path === `${JOB}/events`) {
        startStream(res);
        writeEvents(res, Number(req.headers['last-event-id'] ?? 0));
        return void res.end('event: end\ndata: {}\n\n');
      }
      if (req.path === JOB) return sendJson(res, 200, FAILED_VIEW);
      sendJson(res, 404, { error: { code: 'API_NOT_FOUND', message: `no route ${req.path}` } });
    });
    const r = await pogo(['run', '-t', 'web[1-3]', '--', 'uptime']);
    expect(r.stdout).toBe(
      [
        'web1: Running target',
        'web1: Success',
        'web2: Running target',
        'web2: Failed (exit 3)',
        'web3: Running target',
        'web3: Success',
        '',
        `${ID} failed (1 host failed) in 2.5s`,
        'hosts: 2 succeeded, 1 failed',
        '',
      ].join('\n'),
    );
    expect(r.stderr).toBe(`pogo: job ${ID} (3 hosts): ${server.url}/jobs/${ID}\n`);
    expect(r.code).toBe(1);
    expect(server.requests.find((q) => q.path.endsWith('/events'))?.headers['last-event-id']).toBe('0');
  });

  it('--json prints every event once across a dropped stream, then the summary', async () => {
    let connections = 0;
    const server = await h.serve((req, res) => {
      if (req.method === 'POST') return sendJson(res, 201, jobRecord());
      if (req.path === JOB) return sendJson(res, 200, FAILED_VIEW);
      startStream(res);
      if (++connections === 1) {
        writeEvents(res, 0, 5);
        return void setTimeout(() => res.socket?.destroy(), 50);
      }
      writeEvents(res, Number(req.headers['last-event-id']));
      res.end('event: end\n\n');
    });
    const r = await pogo(['run', '-t', 'web[1-3]', '--json', '--', 'uptime']);
    expect(r.code).toBe(1);
    const lines = jsonLines(r.stdout);
    expect(lines.map((l) => l.seq ?? l.type)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 'summary']);
    expect(lines[5]).toMatchObject({ type: 'host:failed', host: 'web2', exit: 3, message: 'exit 3', t: 0.6 });
    expect(lines.at(-1)).toEqual({
      type: 'summary',
      job: ID,
      state: 'failed',
      reason: '1 host failed',
      seconds: 2.5,
      counts: counts({ succeeded: 2, failed: 1 }),
    });
    expect(
      server.requests.filter((q) => q.path.endsWith('/events')).map((q) => q.headers['last-event-id']),
    ).toEqual(['0', '5']);
    expect(r.stderr).toMatch(/^pogo: lost the event stream \(.*\); reconnecting in 0\.5s\n$/);
  });

  it('Ctrl-C stops following, leaves the job running and exits 130', async () => {
    const server = await h.serve((req, res) => {
      if (req.method === 'POST') return sendJson(res, 201, jobRecord());
      startStream(res);
      writeEvents(res, 0, 3);
      const ping = setInterval(() => res.write(': ping\n\n'), 100);
      res.on('close', () => clearInterval(ping));
    });
    const child = spawn(process.execPath, [POGO_BIN, 'run', '-t', 'web[1-3]', '--', 'uptime'], {
      env: pogoEnv({ POGO_SERVER: server.url, XDG_CONFIG_HOME: h.home() }),
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          if (stdout.includes('web1: Running target')) resolve();
        });
      });
      child.kill('SIGINT');
      expect(await exited).toBe(130);
    } finally {
      child.kill('SIGKILL');
    }
    expect(stderr).toContain(`pogo: detached; job ${ID} keeps running. Halt it with: pogo halt ${ID}\n`);
    expect(server.requests.some((q) => q.path.endsWith('/halt'))).toBe(false);
  });
});
