// The web UI in Debian's Chromium against a real `pogo server` running real jobs over SSH on the lab.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { HostRecord, JobRecord, JobView, Page as ListPage } from '../../src/model/index.ts';
import { launchChromium, screenshot } from '../support/browser.ts';
import { LAB_START_TIMEOUT_MS, startTestLab } from '../support/lab.ts';
import type { TestLab } from '../support/lab.ts';
import { api, startServer, until } from '../support/pogo-server.ts';
import type { TestServer } from '../support/pogo-server.ts';

let dir = '';
let flags = '';
let lab: TestLab | undefined;
let server: TestServer | undefined;
let browser: Browser | undefined;
let viewerToken = '';
const contexts: BrowserContext[] = [];

const HOSTS = 12;
const srv = (): TestServer => {
  if (!server) throw new Error('no server');
  return server;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pogo-ui-'));
  await chmod(dir, 0o755);
  flags = join(dir, 'flags');
  await mkdir(flags);
  await chmod(flags, 0o777);
  lab = await startTestLab(HOSTS);
  server = await startServer(join(dir, 'data'), join(dir, 'home'), [
    '--listen', '127.0.0.1:0', '--ssh-config', lab.sshConfig, '--capacity', '20',
  ]); // prettier-ignore
  const config = [
    'tag:',
    `  lab: ['lab-[0001-${String(HOSTS).padStart(4, '0')}]']`,
    "  east: ['lab-[0001-0006]']",
    "  west: ['lab-[0007-0012]']",
    'sequence:',
    '  - [$east, $west]',
    'constraint:',
    '  $lab: { max_parallel: 4 }',
    '',
  ].join('\n');
  await api(srv(), 'PUT', '/v1/namespaces/lab', { text: config });
  const viewer = await api<{ token: string }>(srv(), 'POST', '/v1/users', {
    name: 'vera',
    role: 'viewer',
    namespace: 'lab',
  });
  viewerToken = viewer.token;
  browser = await launchChromium();
}, LAB_START_TIMEOUT_MS + 90_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.process.stop();
  await lab?.dispose();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

/** A logged-in page (a fresh browser context: its own localStorage). */
async function loggedIn(token: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  if (!browser) throw new Error('no browser');
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, colorScheme });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(srv().url + '/');
  await page.fill('#token', token);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=me]');
  return page;
}

function submit(body: Record<string, unknown>): Promise<JobRecord> {
  return api<JobRecord>(srv(), 'POST', '/v1/jobs', {
    namespace: 'lab',
    hooks: { pre: false, post: false },
    ...body,
  });
}

function waitJob(id: string, pred: (j: JobView) => boolean, what: string): Promise<JobView> {
  return until(
    async () => {
      const j = await api<JobView>(srv(), 'GET', `/v1/jobs/${id}`);
      return pred(j) ? j : undefined;
    },
    60_000,
    what,
  );
}

/** The count the page's legend shows for a host state (0 when it is not listed). */
async function shownCount(page: Page, state: string): Promise<number> {
  const text = await page
    .locator(`.counts-legend li[data-state="${state}"] b`)
    .first()
    .textContent({ timeout: 500 })
    .catch(() => null);
  return text === null ? 0 : Number(text.replace(/,/g, ''));
}

describe('web UI on a real server and SSH lab', () => {
  test('a wrong token is refused; the dashboard lists the job with its host counts', async () => {
    if (!browser) throw new Error('no browser');
    expect(srv().process.output()).toContain(`web UI ${srv().url}/`);
    const context = await browser.newContext();
    contexts.push(context);
    const anon = await context.newPage();
    await anon.goto(srv().url + '/');
    await anon.fill('#token', 'pogo_not-a-token');
    await anon.click('button[type=submit]');
    await anon.getByRole('alert').waitFor();
    expect(await anon.getByRole('alert').textContent()).toMatch(/token/i);

    const job = await submit({ targets: '$lab', command: 'echo hello from $POGO_HOST' });
    await waitJob(job.id, (j) => j.state === 'succeeded', 'the first job to succeed');
    const page = await loggedIn(srv().token);
    const row = page.locator(`tr[data-job="${job.id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('echo hello from $POGO_HOST');
    expect(await row.locator('.badge').textContent()).toContain('succeeded');
    expect(await row.locator('.counts-bar').getAttribute('aria-label')).toBe(`${HOSTS} succeeded`);
    // A filter is in the URL, and a URL opens with it.
    await page.goto(`${srv().url}/?q=nothing-matches-this`);
    await page.getByText('No job matches.').waitFor();
    await page.goto(`${srv().url}/?user=admin`);
    await row.waitFor();
    await screenshot(page, 'dashboard');
  });

  test('the job page updates live while the job runs, without a reload', async () => {
    const job = await submit({ targets: '$lab', command: 'sleep 1.5; echo done', maxParallel: '2' });
    const page = await loggedIn(srv().token);
    await page.goto(`${srv().url}/jobs/${job.id}`);
    await page.waitForSelector('[data-testid=job-page]');
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
    await page.getByText('● live').waitFor({ timeout: 20_000 });
    const seen = new Set<number>();
    let midRun = false;
    for (let i = 0; i < 200 && seen.size < 3; i++) {
      seen.add(await shownCount(page, 'succeeded'));
      if (!midRun && seen.size >= 2 && (await shownCount(page, 'running')) > 0) {
        await screenshot(page, 'job-page-mid-run');
        midRun = true;
      }
      await page.waitForTimeout(250);
    }
    expect(seen.size).toBeGreaterThanOrEqual(3);
    await page.waitForSelector('[data-job-state=succeeded]', { timeout: 60_000 });
    expect(await shownCount(page, 'succeeded')).toBe(HOSTS);
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(42);
    expect(midRun).toBe(true);
    expect(await page.getByTestId('timeline').count()).toBe(1);
  });

  test('halt from the UI drains the job: running hosts finish, the rest are halted', async () => {
    const job = await submit({ targets: '$lab', command: 'sleep 2', maxParallel: '2' });
    const page = await loggedIn(srv().token);
    await page.goto(`${srv().url}/jobs/${job.id}`);
    await page.getByText('● live').waitFor({ timeout: 20_000 });
    await until(
      async () => ((await shownCount(page, 'running')) > 0 ? true : undefined),
      20_000,
      'a running host',
    );
    await page.getByRole('button', { name: '■ Halt' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Halt' }).click();
    await page.waitForSelector('[data-job-state=halted]', { timeout: 60_000 });
    const halted = await api<JobView>(srv(), 'GET', `/v1/jobs/${job.id}`);
    expect(halted.state).toBe('halted');
    expect(halted.reason).toContain('halted by admin');
    // Drained: what ran finished (none was killed), nothing else started.
    expect(halted.counts.running).toBe(0);
    expect(halted.counts.succeeded).toBeGreaterThanOrEqual(1);
    expect(halted.counts.succeeded + halted.counts.halted).toBe(HOSTS);
    expect(halted.counts.halted).toBeGreaterThan(0);
    expect(await shownCount(page, 'halted')).toBe(halted.counts.halted);
    await page.getByRole('button', { name: '▶ Resume' }).waitFor();
  });

  test('retry of a failed host from the UI runs it again and it succeeds', async () => {
    await writeFile(join(flags, 'lab-0003'), '');
    const job = await submit({ targets: 'lab-[0001-0004]', command: `test ! -e ${flags}/$POGO_HOST` });
    await waitJob(job.id, (j) => j.state === 'failed' || j.state === 'succeeded', 'the job to end');
    await rm(join(flags, 'lab-0003'));
    const page = await loggedIn(srv().token);
    await page.goto(`${srv().url}/jobs/${job.id}?state=failed`);
    await page.locator('.tr[data-host="lab-0003"]').click();
    await page.getByRole('button', { name: '↻ Retry host' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Retry' }).click();
    await until(
      async () => {
        const h = await api<HostRecord>(srv(), 'GET', `/v1/jobs/${job.id}/hosts/lab-0003`);
        return h.state === 'succeeded' ? h : undefined;
      },
      60_000,
      'lab-0003 to succeed on its retry',
    );
    await page.waitForSelector('.host-output .badge[data-state=succeeded]', { timeout: 20_000 });
    expect(page.url()).toContain('host=lab-0003');
    const h = await api<HostRecord>(srv(), 'GET', `/v1/jobs/${job.id}/hosts/lab-0003`);
    expect(h.attempt).toBe(2);
  });

  test('identical outputs are grouped; a host output keeps ANSI colours and timestamps', async () => {
    const job = await submit({
      targets: 'lab-[0001-0006]',
      command:
        'if [ "$POGO_HOST" = lab-0002 ]; then echo different; else printf "\\033[31msame red\\033[0m\\n"; fi',
    });
    await waitJob(job.id, (j) => j.state === 'succeeded', 'the output job');
    const page = await loggedIn(srv().token);
    await page.goto(`${srv().url}/jobs/${job.id}?view=output`);
    const groups = page.getByTestId('output-group');
    await groups.first().waitFor();
    expect(await groups.count()).toBe(2);
    expect(await groups.nth(0).locator('.group-head').textContent()).toContain('5 hosts: same output');
    expect(await groups.nth(1).locator('.group-head').textContent()).toContain('1 host: this output');
    expect(await groups.nth(1).textContent()).toContain('lab-0002');
    await page.getByTestId('output').first().waitFor();
    await page.goto(`${srv().url}/jobs/${job.id}?host=lab-0001`);
    const red = page.locator('.host-output .output span[style*="color"]', { hasText: 'same red' });
    await red.waitFor();
    expect(await red.getAttribute('style')).toContain('--ansi-red');
    expect(await page.locator('.host-output .output .ts').first().textContent()).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3}$/,
    );
    await screenshot(page, 'host-output');
  });

  test('a viewer sees the jobs and outputs but no action buttons', async () => {
    const jobs = await api<ListPage<JobRecord>>(srv(), 'GET', '/v1/jobs?state=halted,failed&limit=10');
    const halted = jobs.items.find((j) => j.state === 'halted');
    if (!halted) throw new Error('no halted job from the earlier test');
    const page = await loggedIn(viewerToken);
    expect(await page.getByTestId('me').textContent()).toContain('vera');
    await page.goto(`${srv().url}/jobs/${halted.id}`);
    await page.waitForSelector('[data-job-state=halted]');
    await page.locator('.tr').nth(1).click();
    await page.locator('.host-output').waitFor();
    for (const name of [/Halt/, /Resume/, /Retry/, /Roll back/, /Skip/]) {
      expect(await page.getByRole('button', { name }).count()).toBe(0);
    }
    // The operator (admin) sees Resume on the same page: the buttons follow the role.
    const admin = await loggedIn(srv().token);
    await admin.goto(`${srv().url}/jobs/${halted.id}`);
    await admin.getByRole('button', { name: '▶ Resume' }).waitFor();
  });

  test('the host page lists every job that touched the host; the namespace page shows use and a plan', async () => {
    const page = await loggedIn(srv().token);
    await page.goto(`${srv().url}/hosts/lab-0001`);
    await page.getByTestId('host-run').first().waitFor();
    expect(await page.getByTestId('host-run').count()).toBeGreaterThanOrEqual(4);
    await page.getByTestId('host-run').first().getByRole('button', { name: 'show output' }).click();
    await page.getByTestId('output').first().waitFor();
    await page.goto(`${srv().url}/namespaces/lab`);
    await page.getByText('$lab', { exact: true }).first().waitFor();
    await page.fill('input[aria-label=targets]', '$lab');
    await page.getByRole('button', { name: 'Plan', exact: true }).click();
    await page.getByText('1. $east (6)').waitFor();
    await page.getByText('2. $west (6)').waitFor();
    // An admin edits the config; a mistake shows under its line.
    await page.getByRole('button', { name: 'Edit' }).click();
    const text = await page.locator('textarea[aria-label="config text"]').inputValue();
    await page.fill(
      'textarea[aria-label="config text"]',
      text.replace('[$east, $west]', '[$east, $nowhere]'),
    );
    await page.getByRole('button', { name: 'Validate' }).click();
    const inline = page.locator('.yaml li[data-error=true] .inline-error');
    await inline.waitFor();
    expect(await inline.textContent()).toContain('CONFIG_UNKNOWN_TAG');
    expect(await page.locator('.yaml li[data-error=true] code').textContent()).toContain('$nowhere');
    await screenshot(page, 'namespace');
    // Dark mode follows the system.
    const dark = await loggedIn(srv().token, 'dark');
    await dark.goto(`${srv().url}/jobs/last?view=output`);
    await dark.getByTestId('output-group').first().waitFor();
    expect(await dark.locator('html').getAttribute('data-theme')).toBe('dark');
    await screenshot(dark, 'job-page-dark');
  });
});
