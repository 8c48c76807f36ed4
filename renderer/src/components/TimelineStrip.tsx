import { useMemo, useRef, useState } from 'react';
import { sessionExtent, useApp, type TimeRange } from '../store.ts';
import { axisToDate, formatClock, formatDuration, timeZoneName } from '../format.ts';
import { useElementWidth } from '../use-element-width.ts';

const LANE_H = 18;
const AXIS_H = 22;

/** Nice tick step (1/2/5 × 10^k ns) for about `target` ticks over `span`. */
function tickStep(span: number, target: number): number {
  const raw = span / target;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/**
 * The session's time axis across the top: one lane per source (its span, or a marker for a point in
 * time), wall-clock ticks with the time zone, and a brush that sets the selection every view follows.
 */
export function TimelineStrip() {
  const session = useApp((s) => s.session);
  const selection = useApp((s) => s.selection);
  const setSelection = useApp((s) => s.setSelection);
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const [drag, setDrag] = useState<{ x0: number; x1: number } | null>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const extent = useMemo(() => sessionExtent(session), [session]);
  const sources = session.sources.filter((s) => s.axisStartNs !== undefined);
  const height = AXIS_H + Math.max(1, sources.length) * LANE_H + 6;
  const origin = session.originEpochNs;

  if (!extent || !origin || width <= 0) {
    return <div className="timeline" ref={ref} data-testid="timeline" style={{ height }} />;
  }
  const pad = 8;
  const w = width - 2 * pad;
  const span = extent.endNs - extent.startNs;
  const x = (ns: number) => pad + ((ns - extent.startNs) / span) * w;
  const ns = (px: number) => extent.startNs + ((Math.min(Math.max(px, pad), pad + w) - pad) / w) * span;
  const step = tickStep(span, Math.max(2, Math.floor(w / 110)));
  const ticks: number[] = [];
  for (let t = Math.ceil(extent.startNs / step) * step; t <= extent.endNs; t += step) ticks.push(t);

  const localX = (e: React.PointerEvent) => e.clientX - (svgRef.current?.getBoundingClientRect().left ?? 0);
  const brush: TimeRange | null = drag
    ? { startNs: ns(Math.min(drag.x0, drag.x1)), endNs: ns(Math.max(drag.x0, drag.x1)) }
    : selection;

  return (
    <div className="timeline" ref={ref} data-testid="timeline">
      <div className="timeline-header">
        <span>Timeline</span>
        <span className="muted" data-testid="selection-label">
          {selection
            ? `${formatClock(axisToDate(origin, selection.startNs))} – ${formatClock(axisToDate(origin, selection.endNs))} (${formatDuration(selection.endNs - selection.startNs)})`
            : 'whole session'}{' '}
          · {timeZoneName()}
        </span>
        {selection && (
          <button className="link" data-testid="clear-selection" onClick={() => setSelection(null)}>
            Clear selection
          </button>
        )}
      </div>
      <svg
        ref={svgRef}
        width={width}
        height={height}
        data-testid="timeline-svg"
        className="timeline-svg"
        onPointerDown={(e) => {
          (e.target as Element).setPointerCapture?.(e.pointerId);
          const px = localX(e);
          setDrag({ x0: px, x1: px });
        }}
        onPointerMove={(e) => drag && setDrag({ ...drag, x1: localX(e) })}
        onPointerUp={() => {
          if (drag) {
            const r = { startNs: ns(Math.min(drag.x0, drag.x1)), endNs: ns(Math.max(drag.x0, drag.x1)) };
            setSelection(Math.abs(drag.x1 - drag.x0) < 3 ? null : r);
          }
          setDrag(null);
        }}
        onDoubleClick={() => setSelection(null)}
      >
        {ticks.map((t) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={AXIS_H - 4} y2={height} className="tick-line" />
            <text x={x(t) + 3} y={12} className="tick-label">
              {formatClock(axisToDate(origin, t), step < 1e9)}
            </text>
          </g>
        ))}
        {sources.map((s, i) => {
          const y = AXIS_H + i * LANE_H;
          const x0 = x(s.axisStartNs!);
          const x1 = x(s.axisEndNs!);
          return (
            <g key={s.id} data-testid="timeline-lane" data-name={s.name}>
              <title>{`${s.name} (${s.format})`}</title>
              {x1 - x0 >= 2 ? (
                <rect x={x0} y={y + 3} width={x1 - x0} height={LANE_H - 6} rx={3} className={`lane-bar kind-${s.kind}`} />
              ) : (
                <path d={`M${x0},${y + 3} l5,${(LANE_H - 6) / 2} l-5,${(LANE_H - 6) / 2} l-5,-${(LANE_H - 6) / 2} z`} className={`lane-marker kind-${s.kind}`} />
              )}
              <text x={Math.min(Math.max(x0, pad) + 4, pad + w - 120)} y={y + LANE_H - 5} className="lane-label">
                {s.name}
              </text>
            </g>
          );
        })}
        {brush && (
          <rect
            data-testid="brush"
            x={x(brush.startNs)}
            y={AXIS_H - 4}
            width={Math.max(1, x(brush.endNs) - x(brush.startNs))}
            height={height - AXIS_H + 4}
            className="brush"
          />
        )}
      </svg>
    </div>
  );
}
