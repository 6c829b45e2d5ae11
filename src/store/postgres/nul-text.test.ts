// NUL in text bound for PostgreSQL: replaced in strings, in arrays of strings, and in JSON escapes only.
import { describe, expect, it } from 'vitest';
import { cleanJson, cleanParams, cleanText } from './nul-text.ts';

describe('NUL in text', () => {
  it('becomes U+FFFD in strings and arrays of strings; other values pass untouched', () => {
    expect(cleanText('a\u0000b\u0000')).toBe('a\uFFFDb\uFFFD');
    const buf = Buffer.from([0, 1]);
    expect(cleanParams(['x\u0000', ['\u0000', null, 3], 7, buf, null])).toEqual([
      'x\uFFFD',
      ['\uFFFD', null, 3],
      7,
      buf,
      null,
    ]);
  });

  it('in JSON text, only escapes that stand for a NUL are replaced', () => {
    for (const value of ['a\u0000b', '\\u0000', '\\\u0000', '\u0000\u0000', 'plain', '\\\\u0000x\u0000']) {
      const cleaned = JSON.parse(cleanJson(JSON.stringify({ m: value }))) as { m: string };
      expect(cleaned.m).toBe(value.replaceAll('\u0000', '\uFFFD'));
    }
  });
});
