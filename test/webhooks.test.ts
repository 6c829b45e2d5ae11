// Webhooks end to end: a real `pogo server` tells HTTP receivers on loopback when its jobs start and end —
// the namespace's JSON and Slack webhooks (one with a secret in its URL, one failing at first) and the
// server's own --notify (one that never answers: the rollout does not wait for it).
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord, JobView } from '../src/model/index.ts';
import type { TestServer } from './support/pogo-server.ts';
import { api, putConfig, startServer, until } from './support/pogo-server.ts';
import { runPogo } from './support/run-pogo.ts';

interface Post {
  readonly path: string;
  readonly event: string;
  readonly delivery: string;
  readonly body: Record<string, unknown>;
}

const SECRET = 'T0000/B0000/s3cr3t-token-value';
let dir: string;
let server: TestServer;
const receivers: Server[] = [];
const posts: Post[] = [];
/** Requests the silent receiver got (it never answers them). */
let silentHits = 0;

function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const s = createServer(handler);
  receivers.push(s);
  return new Promise((r) =>
    s.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)),
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-webhooks-'));
  const secrets = join(dir, 'secrets');
  await mkdir(secrets, { mode: 0o700 });
  await writeFile(join(secrets, 'slack'), SECRET, { mode: 0o600 });
  await chmod(secrets, 0o700);
  let slackCalls = 0;
  const hooks = await listen((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const path = req.url ?? '';
      posts.push({
        path,
        event: String(req.headers['x-pogo-event']),
        delivery: String(req.headers['x-pogo-delivery']),
        body: JSON.parse(body) as Record<string, unknown>,
      });
      // The Slack-like endpoint fails its first two requests: the post is retried.
      const fail = path.startsWith('/services/') && ++slackCalls <= 2;
      res.writeHead(fail ? 502 : 200).end('ok');
    });
  });
  const silent = await listen(() => void silentHits++);
  await mkdir(join(dir, 'home'));
  server = await startServer(join(dir, 'data'), join(dir, 'home'), [
    '--listen', '127.0.0.1:0', '--transport', 'local', '--capacity', '4', '--secrets', secrets,
    '--notify', `${silent}/never-answers`, '--public-url', 'https://pogo.example.com/',
  ]); // prettier-ignore
  const config = [
    'tag:',
    "  farm: ['f-[1-4]']",
    'notify:',
    `  - url: ${hooks}/pogo`,
    '    on: [started, succeeded, failed]',
    `  - url: "${hooks}/services/{{secret:slack}}"`,
    '    format: slack',
    '    on: [succeeded, failed]',
    '',
  ].join('\n');
  await putConfig(server, 'farm', config);
}, 60_000);

afterAll(async () => {
  await server?.process.stop();
  for (const s of receivers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  await rm(dir, { recursive: true, force: true });
});

const ended = (id: string): Promise<JobView> =>
  until(
    async () => {
      const j = await api<JobView>(server, 'GET', `/v1/jobs/${id}`);
      return ['succeeded', 'failed', 'halted'].includes(j.state) ? j : undefined;
    },
    60_000,
    `job ${id} to end`,
  );

describe('webhooks', () => {
  it('tell the namespace’s receivers of a job’s start and end; Slack gets text, retried until it answers', async () => {
    const ok = await api<JobRecord>(server, 'POST', '/v1/jobs', {
      namespace: 'farm',
      targets: '$farm',
      command: 'true',
      hooks: { pre: false, post: false },
    });
    const bad = await api<JobRecord>(server, 'POST', '/v1/jobs', {
      namespace: 'farm',
      targets: 'f-1',
      command: 'exit 3',
      hooks: { pre: false, post: false },
    });
    expect((await ended(ok.id)).state).toBe('succeeded');
    expect((await ended(bad.id)).state).toBe('failed');
    // The server's own webhook never answers, yet both jobs ended: the rollout did not wait for it.
    expect(silentHits).toBeGreaterThan(0);
    await until(
      () =>
        Promise.resolve(posts.filter((p) => p.path.startsWith('/services/')).length >= 4 ? true : undefined),
      30_000,
      'the Slack posts',
    );
    const json = posts.filter((p) => p.path === '/pogo');
    const of = (id: string) =>
      json.filter((p) => (p.body.job as { id: string }).id === id).map((p) => p.event);
    expect(of(ok.id)).toEqual(['job.started', 'job.succeeded']);
    expect(of(bad.id)).toEqual(['job.started', 'job.failed']);
    const done = json.find((p) => p.event === 'job.succeeded')?.body;
    expect(done).toMatchObject({
      event: 'job.succeeded',
      job: {
        id: ok.id,
        namespace: 'farm',
        user: 'admin',
        command: 'true',
        state: 'succeeded',
        hosts: 4,
        counts: { succeeded: 4 },
        url: `https://pogo.example.com/jobs/${ok.id}`,
      },
    });
    const failed = json.find((p) => p.event === 'job.failed')?.body as { job: { reason: string } };
    expect(failed.job.reason).toMatch(/1 host failed/);
    // Slack: the secret was filled into the URL; the first post was retried with its delivery id.
    const slack = posts.filter((p) => p.path.startsWith('/services/'));
    expect(slack.every((p) => p.path === `/services/${SECRET}`)).toBe(true);
    expect(slack[0]?.delivery).toBe(slack[2]?.delivery);
    const texts = slack.map((p) => String(p.body.text));
    expect(texts).toContain(
      `:white_check_mark: Pogo job <https://pogo.example.com/jobs/${ok.id}|${ok.id}> in farm succeeded: 4 of 4 hosts succeeded (all hosts succeeded) — admin: \`true\``,
    );
    expect(texts.some((t) => t.startsWith(':x: Pogo job') && t.includes('0 of 1 hosts succeeded'))).toBe(
      true,
    );
    // Counted in /metrics; the secret is in no log line.
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/pogo_webhooks_total\{outcome="delivered"\} [1-9]/);
    expect(server.process.output()).not.toContain(SECRET);
  }, 90_000);

  it('refuses a bad webhook in a config at its line, and a bad --notify flag', async () => {
    const res = await fetch(`${server.url}/v1/namespaces/farm/validate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/yaml' },
      body: 'tag:\n  farm: [f-1]\nnotify:\n  - url: mailto:ops@example.com\n',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      ok: false,
      code: 'CONFIG_INVALID_VALUE',
      message: expect.stringMatching(/notify url must be an http\(s\) URL/) as unknown,
      line: 4,
      column: 10,
    });
    const run = await runPogo(['server', '--data', join(dir, 'other'), '--notify', 'ftp://x.example/h'], {
      env: { HOME: join(dir, 'home') },
    });
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('--notify: "ftp://x.example/h" is not an http(s) URL');
  });
});
