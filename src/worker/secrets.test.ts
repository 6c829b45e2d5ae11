// Secret references resolve from the worker's own secrets; the masker hides values even split across chunks.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretMasker, loadSecretsDir, secretNames } from './secrets.ts';

describe('SecretMasker', () => {
  it('masks every occurrence, longest value first, and holds back only a possible start of a value', () => {
    const m = new SecretMasker(['abc', 'abcdef']);
    expect(m.push('s', Buffer.from('x abcdef y ab')).toString()).toBe('x **** y ');
    expect(m.push('s', Buffer.from('c z')).toString()).toBe('**** z');
    expect(m.push('s', Buffer.from('a')).toString()).toBe('');
    expect(m.flush().map(([k, b]) => [k, b.toString()])).toEqual([['s', 'a']]);
  });

  it('never lets a value through however the stream is cut (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 2, maxLength: 12 }).filter((s) => !s.includes('*')),
        fc.array(fc.string({ maxLength: 8 }), { maxLength: 6 }),
        fc.array(fc.nat(40), { maxLength: 8 }),
        (secret, noise, cuts) => {
          const text = noise.join(secret);
          const bytes = Buffer.from(`${text}${secret}${text}`);
          const m = new SecretMasker([secret]);
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const out: Buffer[] = [];
          let from = 0;
          for (const p of [...points, bytes.length]) {
            out.push(m.push('s', bytes.subarray(from, p)));
            from = p;
          }
          for (const [, b] of m.flush()) out.push(b);
          expect(Buffer.concat(out).includes(Buffer.from(secret))).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('secret files', () => {
  it('loads one secret per file from a private directory and refuses one others can read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pogo-secrets-'));
    try {
      chmodSync(dir, 0o700);
      writeFileSync(join(dir, 'db_password'), 'p4ss\n');
      writeFileSync(join(dir, 'bad name'), 'x');
      expect([...(await loadSecretsDir(dir))]).toEqual([['db_password', 'p4ss']]);
      chmodSync(dir, 0o755);
      await expect(loadSecretsDir(dir)).rejects.toThrow(/readable by others \(mode 755\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the secrets a command references', () => {
    expect(secretNames('a {{secret:x}} {{secret:y.z}} {{secret:x}} {{secret:}}')).toEqual(['x', 'y.z']);
  });
});
