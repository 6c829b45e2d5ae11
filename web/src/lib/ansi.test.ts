// ANSI colour codes become styled spans; other escapes vanish; a colour carries over into the next chunk.
import { describe, expect, it } from 'vitest';
import { parseAnsi, stripAnsi } from './ansi.ts';

describe('parseAnsi', () => {
  it('splits text at SGR codes and keeps colours, bold and resets', () => {
    const { spans } = parseAnsi('a\u001b[1;31mred\u001b[0m b');
    expect(spans).toEqual([
      { text: 'a' },
      { text: 'red', bold: true, fg: 'var(--ansi-red)' },
      { text: ' b' },
    ]);
  });

  it('reads 256-colour and true-colour codes, and drops cursor and title escapes', () => {
    expect(parseAnsi('\u001b[38;5;196mx').spans).toEqual([{ text: 'x', fg: 'rgb(255,0,0)' }]);
    expect(parseAnsi('\u001b[48;2;1;2;3my').spans).toEqual([{ text: 'y', bg: 'rgb(1,2,3)' }]);
    expect(parseAnsi('\u001b[2K\u001b]0;title\u0007z').spans).toEqual([{ text: 'z' }]);
  });

  it('carries the style at the end of one chunk into the next', () => {
    const first = parseAnsi('\u001b[32mgreen');
    expect(parseAnsi(' still', first.style).spans).toEqual([{ text: ' still', fg: 'var(--ansi-green)' }]);
    expect(stripAnsi('\u001b[32mgreen\u001b[0m')).toBe('green');
  });
});
