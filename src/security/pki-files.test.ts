// writePair/readCa: keys are 0600, existing files are kept unless forced, a missing CA is CERT_INVALID.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCa } from './ca.ts';
import { readCa, writePair } from './pki-files.ts';

const root = mkdtempSync(join(tmpdir(), 'pogo-pki-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('writePair', () => {
  it('writes the key 0600 and refuses to overwrite without force', async () => {
    const dir = join(root, 'a');
    const written = await writePair(dir, 'ca', createCa());
    expect(statSync(written.keyFile).mode & 0o777).toBe(0o600);
    expect((await readCa(dir)).commonName).toBe('Pogo CA');
    await expect(writePair(dir, 'ca', createCa())).rejects.toMatchObject({ code: 'CERT_FAILED' });
    const again = await writePair(dir, 'ca', createCa({ name: 'Second' }), true);
    expect(statSync(again.keyFile).mode & 0o777).toBe(0o600);
    expect((await readCa(dir)).commonName).toBe('Second');
  });

  it('reports a missing CA as CERT_INVALID with a hint', async () => {
    await expect(readCa(join(root, 'none'))).rejects.toMatchObject({
      code: 'CERT_INVALID',
      hint: expect.stringMatching(/pogo certs init/) as string,
    });
  });
});
