// `pogo config` text: the validate summary, and server errors pointed at the local file.
import { describe, expect, it } from 'vitest';
import { atFile, checkError, checkSummary } from './config-cmd.ts';

describe('pogo config text', () => {
  it('summarises a valid config with plurals', () => {
    expect(checkSummary({ ok: true, hosts: 10, tags: 5, groups: 1, chains: 0 })).toBe(
      'ok: 10 hosts, 5 tags, 1 group, 0 chains',
    );
  });

  it('names the local file at the line and column the server found', () => {
    expect(
      checkError('w.yaml', { ok: false, code: 'X', message: 'bad', line: 4, column: 6, hint: 'h' }),
    ).toBe('pogo: w.yaml:4:6: bad\n  hint: h\n');
    expect(checkError('w.yaml', { ok: false, code: 'X', message: 'bad' })).toBe('pogo: w.yaml: bad\n');
    expect(atFile('bad.yaml', 'web@upload:4:6: sequence: unknown tag $b')).toBe(
      'bad.yaml:4:6: sequence: unknown tag $b',
    );
    expect(atFile('bad.yaml', 'namespace "x" is not a valid name')).toBe(
      'bad.yaml: namespace "x" is not a valid name',
    );
  });
});
