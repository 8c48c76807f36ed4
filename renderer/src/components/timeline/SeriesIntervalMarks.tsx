/**
 * A profile series' header on the timeline: one band per interval between consecutive snapshots
 * (numbered as the flame graph names them), a tick at each snapshot, and the intervals the current
 * selection uses highlighted (the boundary rule of shared/query/stacks/profile-series.ts).
 */
import { seriesWindow, type ProfileSeriesInfo } from '../../../../shared/query/stacks/profile-series.ts';
import type { TimeRange } from '../../store.ts';

export function SeriesIntervalMarks({
  series,
  top,
  height,
  x,
  selection,
  onPick,
}: {
  series: ProfileSeriesInfo;
  top: number;
  height: number;
  x: (ns: number) => number;
  selection: TimeRange | null;
  /** A click on interval k selects exactly its span (startNs = snapshot k−1, endNs = snapshot k). */
  onPick(startNs: number, endNs: number): void;
}) {
  const t = series.members.map((m) => m.atNs);
  const used = selection ? seriesWindow(t, selection) : null;
  return (
    <g className="series-marks" data-testid="series-marks" data-series={series.id}>
      {t.slice(1).map((end, i) => {
        const k = i + 1;
        const x0 = x(t[i]!);
        const x1 = x(end);
        const isUsed = !!used && k > used.from && k <= used.to;
        return (
          <g
            key={k}
            data-testid="series-interval"
            data-interval={k}
            data-used={isUsed ? 'true' : 'false'}
            className="series-interval-hit"
            // The header's own click folds the group: a click on an interval selects it instead.
            onClick={(e) => {
              e.stopPropagation();
              onPick(t[i]!, end);
            }}
          >
            <title>{`Interval ${k}: ${series.members[i]!.name} → ${series.members[k]!.name} (click to select it)`}</title>
            <rect x={x0} y={top + 2} width={Math.max(1, x1 - x0)} height={height - 4} className={`series-interval${k % 2 ? ' odd' : ''}${isUsed ? ' used' : ''}`} />
            {x1 - x0 > 18 && (
              <text pointerEvents="none" x={(x0 + x1) / 2} y={top + height - 5} textAnchor="middle" className="series-interval-label">
                {k}
              </text>
            )}
          </g>
        );
      })}
      {t.map((at, i) => (
        <line key={i} x1={x(at)} x2={x(at)} y1={top + 1} y2={top + height - 1} className="series-snapshot" pointerEvents="none" />
      ))}
    </g>
  );
}
