import { memo } from 'react';
import type { TrackData } from '../../../../shared/query/tracks.ts';
import { stateColor } from '../../palette.ts';
import { bandRuns, runsPath } from './band-runs.ts';
import { visibleSteps } from './track-window.ts';

function formatLineMax(unit: string, v: number): string {
  return unit === 'bytes' ? `${(v / 2 ** 20).toFixed(1)} MiB` : `${Math.round(v).toLocaleString('en-US')} ${unit}`;
}

type SeriesTrack = Extract<TrackData, { kind: 'series' }>;

interface StackedTrackProps {
  track: SeriesTrack;
  top: number;
  height: number;
  /** Source ns → px: linear, `fromNs` at `minX` and `toNs` at `maxX` (so those props determine it). */
  x: (sourceNs: number) => number;
  endNs: number;
  /** Where the scale label's right edge goes (the lane's right end). */
  labelX: number;
  /** The lane's drawn x range: bands outside it are left out. */
  minX: number;
  maxX: number;
  /** The visible window in the source's own ns: only the steps inside it are drawn. */
  fromNs: number;
  toNs: number;
}

/**
 * The strip re-renders on every hover move (its cursor line); the paths here only change with the
 * track, the window or the lane's place. `x` is a new closure each render but follows from
 * fromNs/toNs/minX/maxX, so it is left out of the comparison.
 */
const sameTrackProps = (a: StackedTrackProps, b: StackedTrackProps): boolean =>
  a.track === b.track &&
  a.top === b.top &&
  a.height === b.height &&
  a.endNs === b.endNs &&
  a.labelX === b.labelX &&
  a.minX === b.minX &&
  a.maxX === b.maxX &&
  a.fromNs === b.fromNs &&
  a.toNs === b.toNs;

/** Stacked step areas of a track's series, scaled to the lane; bands and an optional line on top. */
export const StackedTrack = memo(function StackedTrack({
  track,
  top,
  height,
  x,
  endNs,
  labelX,
  minX,
  maxX,
  fromNs,
  toNs,
}: StackedTrackProps) {
  const n = track.timeNs.length;
  if (n === 0) return null;
  const totals = new Float64Array(n);
  for (const s of track.series) for (let i = 0; i < n; i++) totals[i]! += s.values[i]!;
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, totals[i]!);
  const scale = max > 0 ? height / max : 0;
  const bottom = top + height;
  const cum = new Float64Array(n);
  // Only the steps in view become path points (the track may hold thousands beyond the window).
  const win = visibleSteps(track.timeNs, fromNs, toNs);
  const [i0, i1] = win ?? [0, -1];
  const paths = track.series.map((s, k) => {
    const lower = Float64Array.from(cum);
    for (let i = 0; i < n; i++) cum[i]! += s.values[i]!;
    if (!win) return null;
    // Upper edge left→right as steps, then lower edge right→left.
    let d = '';
    for (let i = i0; i <= i1; i++) {
      const x0 = x(track.timeNs[i]!);
      const x1 = x(i + 1 < n ? track.timeNs[i + 1]! : endNs);
      const yv = bottom - cum[i]! * scale;
      d += `${i === i0 ? 'M' : 'L'}${x0.toFixed(1)},${yv.toFixed(1)}L${x1.toFixed(1)},${yv.toFixed(1)}`;
    }
    for (let i = i1; i >= i0; i--) {
      const x0 = x(track.timeNs[i]!);
      const x1 = x(i + 1 < n ? track.timeNs[i + 1]! : endNs);
      const yv = bottom - lower[i]! * scale;
      d += `L${x1.toFixed(1)},${yv.toFixed(1)}L${x0.toFixed(1)},${yv.toFixed(1)}`;
    }
    return <path key={s.name} d={`${d}Z`} fill={stateColor(s.name, k)} className="track-area" data-series={s.name} />;
  });
  const line = track.line;
  let lineEl = null;
  const lineWin = line && line.values.length > 1 ? visibleSteps(line.timeNs, fromNs, toNs) : null;
  if (line && lineWin) {
    let lmax = 0;
    for (const v of line.values) lmax = Math.max(lmax, v);
    const ls = lmax > 0 ? height / lmax : 0;
    let d = '';
    // One point past each end, so the line runs to the lane's edges.
    const a = lineWin[0];
    const z = Math.min(line.values.length - 1, lineWin[1] + 1);
    for (let i = a; i <= z; i++) d += `${i === a ? 'M' : 'L'}${x(line.timeNs[i]!).toFixed(1)},${(bottom - line.values[i]! * ls).toFixed(1)}`;
    lineEl = <path d={d} className="track-line" stroke={stateColor(line.name)} />;
  }
  return (
    <g data-points={n} data-drawn-points={win ? i1 - i0 + 1 : 0} data-first-ns={track.timeNs[0]}>
      {track.bands.map((b) => {
        // One path per band kind, its runs merged to pixels (tens of thousands of GC bands otherwise).
        const d = runsPath(bandRuns(b.startNs, b.endNs, x, minX, maxX), top - 10, b.label === 'GC' ? 4 : height + 10);
        return d ? (
          <path key={b.label} d={d} className={`track-band band-${b.label.replace(/\W+/g, '-')}`} data-bands={b.startNs.length}>
            <title>{`${b.label} (${b.startNs.length.toLocaleString('en-US')})`}</title>
          </path>
        ) : null;
      })}
      {paths}
      {lineEl}
      <text x={labelX} y={top - 1} textAnchor="end" className="track-max">
        max {Math.round(max).toLocaleString('en-US')} {track.unit}
        {lineEl && line ? ` · ${line.name} ≤ ${formatLineMax(line.unit, Math.max(...line.values))}` : ''}
      </text>
    </g>
  );
}, sameTrackProps);
