// Unit tests of the box-table renderer and host-list wrapping.
import { describe, expect, it } from 'vitest';
import { renderBoxTable, wrapList } from './box-table.ts';

describe('box tables', () => {
  it('draws the seed layout: centred title, header, multi-line cells, right-aligned numbers', () => {
    const text = renderBoxTable({
      title: 'T',
      header: ['Name', 'N'],
      rows: [
        ['a', '1'],
        [['b', 'c'], '22'],
      ],
      alignRight: [1],
    });
    expect(text).toBe(
      [
        '.-----------.',
        '|     T     |',
        '+------+----+',
        '| Name |  N |',
        '+------+----+',
        '| a    |  1 |',
        '| b    | 22 |',
        '| c    |    |',
        "'------+----'",
        '',
      ].join('\n'),
    );
  });

  it('widens the last column for a long title', () => {
    const text = renderBoxTable({ title: 'A long title', header: ['x'], rows: [] });
    expect(text.split('\n')[1]).toBe('| A long title |');
    expect(text.split('\n')[3]).toBe('| x            |');
  });

  it('wraps lists at a width, continued lines ending with a comma', () => {
    expect(wrapList(['aaaa', 'bbbb', 'cccc'], 10)).toEqual(['aaaa, bbbb,', 'cccc']);
    expect(wrapList(['a-very-long-name', 'b'], 5)).toEqual(['a-very-long-name,', 'b']);
    expect(wrapList([], 5)).toEqual(['']);
  });
});
