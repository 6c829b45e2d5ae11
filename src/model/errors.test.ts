// Every error code is documented in docs/errors.md, and PogoError keeps its code, position and hint.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, PogoError, isPogoError } from './errors.ts';

describe('error codes', () => {
  it('are all in the table of docs/errors.md', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const missing = ERROR_CODES.filter((c) => !doc.includes(`| \`${c}\``));
    expect(missing).toEqual([]);
  });

  it('describe with file:line:column and keep the hint', () => {
    const e = new PogoError('CONFIG_UNKNOWN_TAG', 'unknown tag $x', {
      position: { file: 'a.yaml', line: 3, column: 7 },
      hint: 'did you mean $y?',
    });
    expect(e.describe()).toBe('a.yaml:3:7: unknown tag $x');
    expect(isPogoError(e, 'CONFIG_UNKNOWN_TAG')).toBe(true);
    expect(isPogoError(e, 'USAGE')).toBe(false);
  });
});
