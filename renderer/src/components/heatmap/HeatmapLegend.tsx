import type { SocketMeasure } from '../../../../shared/query/sockets/socket-series.ts';
import { cssColor, paletteColor, scaleValue } from './heatmap-draw.ts';
import { formatBytes, formatCount } from '../../format.ts';

const UNIT: Record<SocketMeasure, string> = { sockets: 'sockets', recvQ: 'bytes in Recv-Q', sendQ: 'bytes in Send-Q' };

/** The colour scale: a gradient from 1 (socket or byte) to the max (linear or log), plus the two non-scale swatches. */
export function HeatmapLegend({ max, log, measure = 'sockets' }: { max: number; log: boolean; measure?: SocketMeasure }) {
  const stops = Array.from({ length: 9 }, (_, i) => `${cssColor(paletteColor(0.06 + (0.94 * i) / 8))} ${(i / 8) * 100}%`);
  // Tick values along the bar (whole sockets; de-duplicated for small maxima).
  const ticks = [0.06, 0.53, 1]
    .map((t) => ({ t, v: Math.max(1, Math.round(scaleValue(t, max, log))) }))
    .filter((x, i, a) => max > 0 && (i === 0 || x.v !== a[i - 1]!.v));
  return (
    <div className="heatmap-legend" data-testid="heatmap-legend" aria-label="Colour scale">
      <span className="legend-swatch zero" /> <span>0</span>
      <span className="legend-swatch hatch" /> <span>no snapshot</span>
      <span className="legend-scale">
        <span className="legend-bar" style={{ background: `linear-gradient(to right, ${stops.join(', ')})` }} />
        <span className="legend-ticks">
          {ticks.map((x) => (
            <span key={x.t} style={{ left: `${((x.t - 0.06) / 0.94) * 100}%` }}>
              {measure === 'sockets' ? formatCount(x.v) : formatBytes(x.v)}
            </span>
          ))}
        </span>
      </span>
      <span className="muted">
        {UNIT[measure]}
        {log ? ' (log scale)' : ''}
      </span>
    </div>
  );
}
