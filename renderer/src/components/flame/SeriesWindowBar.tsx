/**
 * The line above the flame graph of a profile series: which snapshots and intervals the shown delta
 * covers (the boundary rule on hover), the baseline window when one is pinned, and a switch back to
 * the focused snapshot's cumulative figures. Plain props.
 */
import type { SeriesWindowInfo } from '../../../../shared/query/stacks/profile-series.ts';
import { SERIES_BOUNDARY_RULE, type ProfileSeriesInfo } from '../../../../shared/query/stacks/profile-series.ts';
import { axisToDate, formatClock, formatDuration } from '../../format.ts';

export interface SeriesWindowBarProps {
  series: ProfileSeriesInfo;
  originEpochNs: string | null;
  active: boolean;
  follow: boolean;
  setFollow(on: boolean): void;
  hasSelection: boolean;
  /** The selection overlaps no interval of the series. */
  outside: boolean;
  window: SeriesWindowInfo | undefined;
  baselineWindow: SeriesWindowInfo | undefined;
  error: string | null;
}

function describe(w: SeriesWindowInfo, origin: string | null): string {
  const iv = w.firstInterval === w.lastInterval ? `interval ${w.firstInterval}` : `intervals ${w.firstInterval}–${w.lastInterval}`;
  const at = (ns: number) => (origin ? formatClock(axisToDate(origin, ns)) : `${(ns / 1e9).toFixed(3)} s`);
  return `${iv} of ${w.intervals}: ${w.to.name} − ${w.from.name} (${at(w.from.atNs)} – ${at(w.to.atNs)}, ${formatDuration(w.to.atNs - w.from.atNs)})`;
}

export function SeriesWindowBar(p: SeriesWindowBarProps) {
  const w = p.active ? p.window : undefined;
  return (
    <div
      className="series-window"
      data-testid="series-window"
      data-series={p.series.id}
      data-first-interval={w?.firstInterval}
      data-last-interval={w?.lastInterval}
      data-from={w?.from.name}
      data-to={w?.to.name}
      title={`Boundary rule: ${SERIES_BOUNDARY_RULE}. Each interval's delta is the later snapshot minus the earlier (go tool pprof -base).`}
    >
      <b>{p.series.label}</b>
      {' · '}
      {!p.follow ? (
        <span className="muted">showing this snapshot's cumulative figures</span>
      ) : !p.hasSelection ? (
        <span className="muted">this snapshot's cumulative figures · brush the timeline for the delta of the intervals it covers</span>
      ) : p.outside ? (
        <span className="muted" data-testid="series-window-outside">
          the selection lies outside the series' snapshots: this snapshot's cumulative figures
        </span>
      ) : p.error ? (
        <span className="error" role="alert" data-testid="series-window-error">
          {p.error}
        </span>
      ) : w ? (
        <span data-testid="series-window-used">
          {p.series.kind === 'goroutine' && !p.baselineWindow ? 'growth per stack, ' : 'delta of '}
          {describe(w, p.originEpochNs)}
          {p.baselineWindow && <span data-testid="series-window-baseline"> · vs baseline {describe(p.baselineWindow, p.originEpochNs)}</span>}
          <span className="muted" data-testid="series-window-rule">
            {' '}
            · whole intervals the range overlaps
          </span>
        </span>
      ) : (
        <span className="muted">computing the delta…</span>
      )}{' '}
      <label className="flame-toggle">
        <input type="checkbox" data-testid="series-follow" checked={p.follow} onChange={(e) => p.setFollow(e.target.checked)} /> deltas over the brushed range
      </label>
    </div>
  );
}
