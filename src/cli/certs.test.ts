// `pogo certs init|issue|show` in-process: files and modes, no silent overwrite, roles and names, usage errors.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { certificateProblem } from '../security/index.ts';
import { runCli } from './main.ts';

const root = mkdtempSync(join(tmpdir(), 'pogo-certs-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function pogo(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t) };
  const code = await runCli(['node', 'pogo', ...args], io);
  return { code, out, err };
}

describe('pogo certs', () => {
  const dir = join(root, 'pki');

  it('init makes a CA and refuses to overwrite it without --force', async () => {
    const first = await pogo('certs', 'init', '--dir', dir, '--name', 'Test CA', '--days', '30');
    expect(first).toMatchObject({ code: 0, err: '' });
    expect(first.out).toMatch(/CA "Test CA" valid for 30 days/);
    expect(statSync(join(dir, 'ca.key')).mode & 0o777).toBe(0o600);
    expect(new X509Certificate(readFileSync(join(dir, 'ca.crt'))).ca).toBe(true);
    const again = await pogo('certs', 'init', '--dir', dir);
    expect(again.code).toBe(64);
    expect(again.err).toMatch(/^pogo: .*ca\.crt exists; not overwriting it\n {2}hint: pass --force/);
  });

  it('issue signs server and worker certificates with their roles and names', async () => {
    const out = join(root, 'out');
    const server = await pogo('certs', 'issue', 'server', 'pogo1.example.com', '--dir', dir, '--out', out,
      '--san', 'IP:10.0.0.5,pogo1', '--san', '10.0.0.6'); // prettier-ignore
    expect(server).toMatchObject({ code: 0, err: '' });
    const worker = await pogo('certs', 'issue', 'worker', 'w1', '--dir', dir, '--days', '10');
    expect(worker.code).toBe(0);
    const ca = new X509Certificate(readFileSync(join(dir, 'ca.crt')));
    const s = new X509Certificate(readFileSync(join(out, 'pogo1.example.com.crt')));
    expect(s.subjectAltName).toBe(
      'URI:urn:pogo:role:server, DNS:pogo1.example.com, IP Address:10.0.0.5, DNS:pogo1, IP Address:10.0.0.6',
    );
    expect(certificateProblem(s, { ca, role: 'server' })).toBeUndefined();
    const w = new X509Certificate(readFileSync(join(dir, 'w1.crt')));
    expect(certificateProblem(w, { ca, role: 'worker' })).toBeUndefined();
    expect(statSync(join(dir, 'w1.key')).mode & 0o777).toBe(0o600);
  });

  it('show describes a certificate, as text and JSON, and a key without its contents', async () => {
    const text = await pogo('certs', 'show', join(dir, 'w1.crt'));
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^file: {4}.*w1\.crt\nsubject: CN=w1\nissuer: {2}CN=Test CA\nrole: {4}worker\n/);
    expect(text.out).toMatch(/names: {3}URI:urn:pogo:role:worker, DNS:w1\n/);
    expect(text.out).toMatch(/\(9 days left\)\n/);
    const json = await pogo('certs', 'show', join(dir, 'ca.crt'), '--json');
    expect(JSON.parse(json.out)).toMatchObject({ kind: 'certificate', role: 'ca', expired: false });
    const key = await pogo('certs', 'show', join(dir, 'w1.key'));
    expect(key.out).toMatch(/private key \(EC prime256v1\); its contents are not shown/);
    expect(key.out).not.toMatch(/BEGIN/);
  });

  it('usage and certificate errors exit 64', async () => {
    expect((await pogo('certs', 'issue', 'admin', 'x', '--dir', dir)).err).toMatch(
      /role must be server or worker, not "admin"/,
    );
    const days = await pogo('certs', 'issue', 'worker', 'x', '--dir', dir, '--days', '4000');
    expect(days).toMatchObject({ code: 64 });
    expect(days.err).toMatch(/--days: "4000" is not a whole number from 1 to 3650/);
    const noCa = await pogo('certs', 'issue', 'worker', 'x', '--dir', join(root, 'none'));
    expect(noCa.code).toBe(64);
    expect(noCa.err).toMatch(/cannot read .*ca\.crt.*\n {2}hint: make a CA with pogo certs init/);
    const bad = await pogo('certs', 'show', join(root, 'missing.crt'));
    expect(bad.code).toBe(64);
    const san = await pogo('certs', 'issue', 'server', 's', '--dir', dir, '--san', 'IP:nope');
    expect(san.err).toMatch(/subjectAltName "IP:nope" is not an IPv4 or IPv6 address/);
  });

  it('pogo worker refuses a server certificate as its own (WORKER_TLS, exit 64) before connecting', async () => {
    const out = join(root, 'out');
    const r = await pogo('worker', '--server', 'wss://127.0.0.1:1', '--ca', join(dir, 'ca.crt'),
      '--cert', join(out, 'pogo1.example.com.crt'), '--key', join(out, 'pogo1.example.com.key')); // prettier-ignore
    expect(r.code).toBe(64);
    expect(r.err).toMatch(
      /^pogo: this worker's own certificate CN=pogo1\.example\.com has role server, worker needed\n/,
    );
  });
});
