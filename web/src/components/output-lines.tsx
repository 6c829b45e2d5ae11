// Output as lines: the time each chunk arrived, its stream (stderr and Pogo's lines marked), ANSI colours kept.
import { useMemo } from 'react';
import type { AnsiSpan } from '../lib/ansi.ts';
import { parseAnsi } from '../lib/ansi.ts';
import { formatClock } from '../lib/format.ts';
import type { OutputChunk } from '../api/output.ts';

interface Line {
  readonly t: number;
  readonly stream: OutputChunk['stream'];
  readonly spans: AnsiSpan[];
}

/** Chunks → lines; a chunk that ends mid-line continues on the next chunk of the same stream. */
function toLines(chunks: readonly OutputChunk[]): Line[] {
  const lines: Line[] = [];
  const open = new Map<string, { line: Line; style: object }>();
  for (const c of chunks) {
    const parts = c.text.split('\n');
    parts.forEach((part, k) => {
      const last = k === parts.length - 1;
      if (last && part === '') {
        open.delete(c.stream);
        return;
      }
      const pending = k === 0 ? open.get(c.stream) : undefined;
      const { spans, style } = parseAnsi(part, pending?.style ?? {});
      if (pending) pending.line.spans.push(...spans);
      const line = pending?.line ?? { t: c.t, stream: c.stream, spans };
      if (!pending) lines.push(line);
      if (last) open.set(c.stream, { line, style });
      else open.delete(c.stream);
    });
  }
  return lines;
}

/** The lines of `chunks`, with timestamps. */
export function OutputLines({
  chunks,
  empty,
}: {
  readonly chunks: readonly OutputChunk[];
  readonly empty: string;
}) {
  const lines = useMemo(() => toLines(chunks), [chunks]);
  if (lines.length === 0) return <p className="muted">{empty}</p>;
  return (
    <pre className="output" data-testid="output">
      {lines.map((l, i) => (
        <div className="line" data-stream={l.stream} key={i}>
          <span className="ts" aria-hidden="true">
            {formatClock(l.t)}
          </span>
          {l.stream !== 'stdout' && <span className="stream">{l.stream === 'stderr' ? 'err' : 'pogo'}</span>}
          <span className="text">
            {l.spans.map((s, k) => (
              <span
                key={k}
                style={{
                  ...(s.fg ? { color: s.fg } : {}),
                  ...(s.bg ? { background: s.bg } : {}),
                  ...(s.bold ? { fontWeight: 'bold' } : {}),
                  ...(s.dim ? { opacity: 0.7 } : {}),
                  ...(s.italic ? { fontStyle: 'italic' } : {}),
                  ...(s.underline ? { textDecoration: 'underline' } : {}),
                }}
              >
                {s.text}
              </span>
            ))}
          </span>
        </div>
      ))}
    </pre>
  );
}
