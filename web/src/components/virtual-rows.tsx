// A virtualised list: a scroll box as tall as all rows, rendering only the rows in view (plus a margin).
import { useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';

/** Render `count` rows of `rowHeight` px in a box of `height` px; `row(i)` is called only for visible rows. */
export function VirtualRows({
  count,
  rowHeight,
  height,
  row,
  scrollTo,
  label,
}: {
  readonly count: number;
  readonly rowHeight: number;
  readonly height: number;
  readonly row: (i: number) => ReactNode;
  /** Keep this row in view (keyboard selection). */
  readonly scrollTo?: number | undefined;
  readonly label: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [top, setTop] = useState(0);
  useEffect(() => {
    const el = box.current;
    if (!el || scrollTo === undefined || scrollTo < 0) return;
    const y = scrollTo * rowHeight;
    if (y < el.scrollTop) el.scrollTop = y;
    else if (y + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = y + rowHeight - el.clientHeight;
  }, [scrollTo, rowHeight]);
  const first = Math.max(0, Math.floor(top / rowHeight) - 5);
  const last = Math.min(count, Math.ceil((top + height) / rowHeight) + 5);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) rows.push(row(i));
  return (
    <div
      ref={box}
      className="vrows"
      style={{ height }}
      onScroll={(e) => setTop(e.currentTarget.scrollTop)}
      role="rowgroup"
      aria-label={label}
      aria-rowcount={count}
    >
      <div style={{ height: count * rowHeight, position: 'relative' }}>
        <div style={{ position: 'absolute', top: first * rowHeight, left: 0, right: 0 }}>{rows}</div>
      </div>
    </div>
  );
}
