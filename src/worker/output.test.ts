// Output capping (bytes kept exactly up to the cap, one marker) and rendering as escaped text.
import { describe, expect, it } from 'vitest';
import { OutputCollector } from './output-collector.ts';
import { escapeBytes, renderOutputText } from './render-output.ts';
import type { TaskOutputChunk } from './types.ts';

const chunk = (data: Buffer | string, stream: 'stdout' | 'stderr' = 'stdout') => ({
  t: 1,
  stream,
  data: Buffer.from(data),
});

describe('OutputCollector', () => {
  it('keeps bytes up to the cap, drops the rest once, and says so', () => {
    const live: TaskOutputChunk[] = [];
    const out = new OutputCollector(
      10,
      () => 99,
      (c) => live.push(c),
    );
    out.add('pre:a', chunk('1234'));
    out.add('command', chunk('5678', 'stderr'));
    out.add('command', chunk('9abcdef'));
    out.add('command', chunk('more'));
    out.note('[pogo: after]');
    expect(out.truncated).toBe(true);
    expect(out.chunks.map((c) => [c.source, c.stream, c.data.toString()])).toEqual([
      ['pre:a', 'stdout', '1234'],
      ['command', 'stderr', '5678'],
      ['command', 'stdout', '9a'],
      ['pogo', 'pogo', '[pogo: output truncated after 10 bytes]\n'],
      ['pogo', 'pogo', '[pogo: after]\n'],
    ]);
    expect(live).toEqual(out.chunks);
  });

  it('is not truncated when the output fits exactly', () => {
    const out = new OutputCollector(4, () => 0);
    out.add('command', chunk('1234'));
    expect(out.truncated).toBe(false);
  });
});

describe('renderOutputText', () => {
  it('escapes control bytes and invalid UTF-8, keeps text, tabs, newlines and colours', () => {
    const bytes = Buffer.concat([
      Buffer.from('ok\tü €😀\r\n'),
      Buffer.from([0x00, 0x07, 0x7f, 0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x0d]),
      Buffer.from('\u001b[1;31mred\u001b[0m \u001b]0;title\u0007 \u0085 \u202e'),
    ]);
    expect(escapeBytes(bytes)).toBe(
      'ok\tü €😀\n\\x00\\x07\\x7f\\xff\\xc3(\\xed\\xa0\\x80\\x0d\u001b[1;31mred\u001b[0m \\x1b]0;title\\x07 \\u{85} \\u{202e}',
    );
  });

  it('joins a character split across chunks and starts Pogo notes on their own line', () => {
    const euro = Buffer.from('€');
    const chunks: TaskOutputChunk[] = [
      { t: 1, stream: 'stdout', source: 'command', data: euro.subarray(0, 1) },
      {
        t: 2,
        stream: 'stdout',
        source: 'command',
        data: Buffer.concat([euro.subarray(1), Buffer.from('x')]),
      },
      { t: 3, stream: 'pogo', source: 'pogo', data: Buffer.from('[pogo: output truncated after 4 bytes]\n') },
    ];
    expect(renderOutputText(chunks)).toBe('€x\n[pogo: output truncated after 4 bytes]\n');
  });
});
