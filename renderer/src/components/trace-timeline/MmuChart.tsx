/**
 * The MMU chart, like `go tool trace`'s /mmu page: minimum mutator utilization (0–100 %) against the
 * window size (log scale, ticks at powers of ten), the page's view and include options, a reading of
 * the point under the pointer, and the worst windows of a picked size. Plain props: the parent runs the
 * `mmu` query (again when the flags change, with `worstFor` when a size is picked) and selects a range.
 */
import { useState } from 'react';
import type { MmuFlags, MmuResult } from '../../../../shared/query/trace/timeline/timeline-types.ts';
import { formatDuration } from '../../format.ts';
import { useElementWidth } from '../../use-element-width.ts';
import { curvePath, decadeTicks, logAxis, nearestPoint, utilY, windowLabel, type MmuPlotArea } from './mmu-chart-scale.ts';
import './mmu-chart.css';

export interface MmuChartProps {
  /** The query's answer (null while the first one loads). */
  result: MmuResult | null;
  loading?: boolean;
  error?: string | null;
  /** The flags shown in the options (the parent's state: it re-queries on change). */
  flags: MmuFlags;
  onFlagsChange(flags: MmuFlags): void;
  /** A plotted window size was clicked: the parent asks for its worst windows (`worstFor`). */
  onPickWindow(windowNs: number): void;
  /** A worst window was clicked: select it on the session's axis (source ns). */
  onSelectRange(startNs: number, endNs: number): void;
  height?: number;
  /** Fixed width in px; by default the chart fills its container's width. */
  width?: number;
}

const INCLUDE: { key: 'stw' | 'background' | 'assist' | 'sweep'; label: string; help: string }[] = [
  { key: 'stw', label: 'STW', help: 'Stop-the-world stops all goroutines simultaneously.' },
  { key: 'background', label: 'Background workers', help: 'GC-specific goroutines; 25 % of the CPU is dedicated to them during GC.' },
  { key: 'assist', label: 'Mark assist', help: 'Allocation helping GC mark, so the mutator cannot outpace it.' },
  { key: 'sweep', label: 'Sweep', help: 'Reclaiming unused memory between GCs.' },
];

const PAD = { left: 46, right: 14, top: 10, bottom: 34 };

export function MmuChart({ result, loading, error, flags, onFlagsChange, onPickWindow, onSelectRange, height = 260, width: fixedWidth }: MmuChartProps) {
  const [ref, measured] = useElementWidth<HTMLDivElement>();
  const width = fixedWidth ?? measured;
  const [hover, setHover] = useState(-1);
  const curve = result?.curve ?? [];
  const area: MmuPlotArea = { left: PAD.left, top: PAD.top, width: Math.max(10, width - PAD.left - PAD.right), height: height - PAD.top - PAD.bottom };
  const axis = curve.length ? logAxis(curve[0]!.windowNs, curve[curve.length - 1]!.windowNs, area.left, area.width) : null;
  const point = hover >= 0 ? curve[hover] : undefined;
  const picked = result?.worst?.windowNs;

  const pointAt = (e: React.MouseEvent<SVGSVGElement>): number => {
    if (!axis) return -1;
    const x = e.clientX - e.currentTarget.getBoundingClientRect().left;
    return nearestPoint(curve, axis, x);
  };

  return (
    <div className="mmu-chart">
      <div className="mmu-plot" ref={ref}>
        {error ? <div className="mmu-message error">MMU failed: {error}</div> : null}
        {!error && result && curve.length === 0 ? <div className="mmu-message">No utilization data: this trace never states GOMAXPROCS.</div> : null}
        {!error && !result ? <div className="mmu-message">Computing the MMU…</div> : null}
        {axis && width > 0 ? (
          <svg
            width={width}
            height={height}
            className={loading ? 'loading' : undefined}
            role="img"
            aria-label="Minimum mutator utilization by window size"
            onMouseMove={(e) => setHover(pointAt(e))}
            onMouseLeave={() => setHover(-1)}
            onClick={(e) => {
              const i = pointAt(e);
              if (i >= 0) onPickWindow(curve[i]!.windowNs);
            }}
          >
            {[0, 0.2, 0.4, 0.6, 0.8, 1].map((u) => (
              <g key={u} className="mmu-grid">
                <line x1={area.left} x2={area.left + area.width} y1={utilY(u, area)} y2={utilY(u, area)} />
                <text x={area.left - 6} y={utilY(u, area) + 4} textAnchor="end">
                  {Math.round(u * 100)}%
                </text>
              </g>
            ))}
            {decadeTicks(axis.minNs, axis.maxNs).map((ns) => (
              <g key={ns} className="mmu-grid">
                <line x1={axis.x(ns)} x2={axis.x(ns)} y1={area.top} y2={area.top + area.height} />
                <text x={axis.x(ns)} y={area.top + area.height + 14} textAnchor="middle">
                  {windowLabel(ns)}
                </text>
              </g>
            ))}
            <text className="mmu-axis-title" x={area.left + area.width / 2} y={height - 4} textAnchor="middle">
              Window duration
            </text>
            <path className="mmu-curve" d={curvePath(curve, axis, area)} />
            {picked !== undefined ? <line className="mmu-picked" x1={axis.x(picked)} x2={axis.x(picked)} y1={area.top} y2={area.top + area.height} /> : null}
            {point ? (
              <g className="mmu-hover">
                <line x1={axis.x(point.windowNs)} x2={axis.x(point.windowNs)} y1={area.top} y2={area.top + area.height} />
                <circle cx={axis.x(point.windowNs)} cy={utilY(point.mmu, area)} r={3.5} />
              </g>
            ) : null}
          </svg>
        ) : null}
        <div className="mmu-reading" aria-live="polite">
          {point
            ? `${windowLabel(point.windowNs)} windows: MMU ${(point.mmu * 100).toFixed(2)} % (click for the worst windows)`
            : curve.length
              ? 'Hover the curve to read it; click to list the worst windows of that size.'
              : ''}
        </div>
      </div>
      <div className="mmu-options">
        <b>View</b>
        <label title="Whole-system utilization: one of four Ps free for the mutator is 25 %. The standard MMU.">
          <input type="radio" name="mmu-view" checked={!flags.perProc} onChange={() => onFlagsChange({ ...flags, perProc: false })} /> System
        </label>
        <label title="Per-goroutine: when even one goroutine is interrupted by GC, utilization is 0.">
          <input type="radio" name="mmu-view" checked={!!flags.perProc} onChange={() => onFlagsChange({ ...flags, perProc: true })} /> Per-goroutine
        </label>
        <b>Include</b>
        {INCLUDE.map((f) => (
          <label key={f.key} title={f.help}>
            <input type="checkbox" checked={!!flags[f.key]} onChange={(e) => onFlagsChange({ ...flags, [f.key]: e.target.checked })} /> {f.label}
          </label>
        ))}
      </div>
      {result?.worst ? (
        <div className="mmu-worst">
          <div className="mmu-worst-title">Lowest mutator utilization in {windowLabel(result.worst.windowNs)} windows:</div>
          {result.worst.windows.length === 0 ? <div className="muted">No window of this size fits.</div> : null}
          <ol>
            {result.worst.windows.map((w) => (
              <li key={w.start}>
                <button type="button" onClick={() => onSelectRange(w.start, w.start + result.worst!.windowNs)}>
                  {(w.mmu * 100).toFixed(1)} % at {formatDuration(w.start)}
                </button>
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </div>
  );
}
