// Host counts by state: a thin stacked bar (proportions) and, optionally, the numbers with their shapes.
import type { HostCounts } from '../../../src/model/index.ts';
import { COUNT_ORDER, HOST_LOOKS } from '../lib/states.ts';
import { formatCount } from '../lib/format.ts';

/** A stacked bar of `counts` out of `total`; `legend` also lists each non-zero state. */
export function CountsBar({
  counts,
  total,
  legend = false,
}: {
  readonly counts: HostCounts;
  readonly total: number;
  readonly legend?: boolean;
}) {
  const parts = COUNT_ORDER.filter((s) => counts[s] > 0);
  const title = parts.map((s) => `${counts[s]} ${HOST_LOOKS[s].label}`).join(', ');
  return (
    <div className="counts">
      <div className="counts-bar" role="img" aria-label={title || 'no hosts'} title={title}>
        {parts.map((s) => (
          <span
            key={s}
            data-state={s}
            style={{
              width: `${(100 * counts[s]) / Math.max(1, total)}%`,
              background: `var(${HOST_LOOKS[s].color})`,
            }}
          />
        ))}
      </div>
      {legend && (
        <ul className="counts-legend">
          {parts.map((s) => (
            <li key={s} data-state={s}>
              <span className="swatch" style={{ color: `var(${HOST_LOOKS[s].color})` }} aria-hidden="true">
                {HOST_LOOKS[s].shape}
              </span>
              <b>{formatCount(counts[s])}</b> {HOST_LOOKS[s].label}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
