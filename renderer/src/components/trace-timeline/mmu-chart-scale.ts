/**
 * Geometry of the MMU chart (MmuChart.tsx), pure: a log-scale x axis of window sizes with ticks at
 * every power of ten (as Go's /mmu page ticks its axis), a linear 0–100 % y axis, the curve's SVG path,
 * and which plotted point the pointer is nearest to.
 */
import type { MmuPoint } from '../../../../shared/query/trace/timeline/timeline-types.ts';

export interface MmuPlotArea {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface LogAxis {
  /** Smallest and largest window (ns) on the axis. */
  minNs: number;
  maxNs: number;
  /** Window size (ns) → x pixel. */
  x(ns: number): number;
  /** x pixel → window size (ns). */
  invert(px: number): number;
}

export function logAxis(minNs: number, maxNs: number, left: number, width: number): LogAxis {
  const lo = Math.log10(Math.max(1, minNs));
  // A single window (or a degenerate span) still gets a visible decade.
  const hi = Math.max(lo + 1e-9, Math.log10(Math.max(1, maxNs)));
  const k = width / (hi - lo);
  return {
    minNs,
    maxNs,
    x: (ns) => left + (Math.log10(Math.max(1, ns)) - lo) * k,
    invert: (px) => 10 ** (lo + (px - left) / k),
  };
}

/** Power-of-ten ticks within [minNs, maxNs] (at least the two ends when no power falls inside). */
export function decadeTicks(minNs: number, maxNs: number): number[] {
  const ticks: number[] = [];
  for (let p = 10 ** Math.ceil(Math.log10(Math.max(1, minNs)) - 1e-12); p <= maxNs * (1 + 1e-12); p *= 10) ticks.push(Math.round(p));
  return ticks.length >= 2 ? ticks : [minNs, maxNs];
}

/** A window size as Go's page labels it: 1ns, 10µs, 1ms, 1s (three significant digits at most). */
export function windowLabel(ns: number): string {
  const fmt = (v: number) => String(+v.toPrecision(3));
  if (ns < 1e3) return `${fmt(ns)}ns`;
  if (ns < 1e6) return `${fmt(ns / 1e3)}µs`;
  if (ns < 1e9) return `${fmt(ns / 1e6)}ms`;
  return `${fmt(ns / 1e9)}s`;
}

/** Utilization 0..1 → y pixel (100 % at the top). */
export function utilY(util: number, area: MmuPlotArea): number {
  return area.top + (1 - Math.min(1, Math.max(0, util))) * area.height;
}

/** The curve as an SVG path (straight segments between plotted points, as Go's line chart draws it). */
export function curvePath(curve: readonly MmuPoint[], axis: LogAxis, area: MmuPlotArea): string {
  return curve.map((p, i) => `${i === 0 ? 'M' : 'L'}${axis.x(p.windowNs).toFixed(1)},${utilY(p.mmu, area).toFixed(1)}`).join('');
}

/** Index of the plotted point nearest to pixel column `px` (-1 for an empty curve). */
export function nearestPoint(curve: readonly MmuPoint[], axis: LogAxis, px: number): number {
  let best = -1;
  let bestD = Infinity;
  curve.forEach((p, i) => {
    const d = Math.abs(axis.x(p.windowNs) - px);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}
