/**
 * The connection heat map view, plain props: the mode / state / top-N / log / zoom controls, the
 * canvas (Heatmap), the legend and summary, and the listed cell's sockets. Holds no view state and
 * never queries: HeatmapPanel (connected) gives it the answers and takes its changes.
 */
import type { Ref } from 'react';
import type { HeatmapMode } from '../../../../shared/query/socket-heatmap.ts';
import type { CellSockets } from '../../../../shared/query/heatmap-view.ts';
import { TCP_STATES } from '../../../../shared/model/sockets.ts';
import { formatCount, formatDuration } from '../../format.ts';
import type { HeatmapViewState } from '../../state/heatmap-view.ts';
import { TOP_N_CHOICES } from '../../state/heatmap-view.ts';
import { Heatmap } from './Heatmap.tsx';
import { HeatmapLegend } from './HeatmapLegend.tsx';
import { SocketTable } from './SocketTable.tsx';
import type { CellHit, HeatmapGrid, ViewRange } from './heatmap-draw.ts';

const MODES: { mode: HeatmapMode; label: string }[] = [
  { mode: 'state', label: 'States' },
  { mode: 'peer', label: 'Peers' },
  { mode: 'localPort', label: 'Local ports' },
  { mode: 'process', label: 'Processes' },
];
const ANY_STATE = '';

/** A clicked cell: its row and snapshot, and the snapshot's time on the session axis. */
export interface Picked {
  row: string;
  snapshot: number;
  axisNs: number;
}

export interface RowStat {
  row: string;
  first: number;
  last: number;
  max: number;
}

export interface HeatmapViewProps {
  rootRef: Ref<HTMLDivElement>;
  width: number;
  view: HeatmapViewState;
  /** The busiest state (what the peer/port/process modes count when no state is chosen). */
  busiest: string;
  /** States seen in the current answer, offered beside the TCP states. */
  stateChoices: string[];
  /** The answer on screen is for the current question. */
  ready: boolean;
  error: string | null;
  grid: HeatmapGrid | null;
  /** The visible range (session axis). */
  shown: ViewRange;
  selection: ViewRange | null;
  canZoom: boolean;
  stats: RowStat[];
  snapshots: Uint32Array | undefined;
  pickedCell: { row: number; bin: number } | null;
  cell: { pick: Picked; result: CellSockets } | null;
  cellRef: Ref<HTMLDivElement>;
  effState: string | undefined;
  tz: string;
  fmtTime(ns: number, precise?: boolean): string;
  tickPhase: ((step: number) => number) | undefined;
  describe(hit: CellHit): { time: string; row: string; count: string };
  onChange(change: Partial<HeatmapViewState>): void;
  onSelect(r: ViewRange | null): void;
  onPick(hit: CellHit): void;
  onCloseCell(): void;
}

export function HeatmapView(p: HeatmapViewProps) {
  const { view, grid, cell } = p;
  return (
    <div className="heatmap" ref={p.rootRef} data-testid="heatmap" data-mode={view.mode} data-ready={p.ready ? 'true' : 'false'}>
      <div className="heatmap-controls">
        <div className="segmented" role="group" aria-label="Rows">
          {MODES.map((m) => (
            <button
              key={m.mode}
              className={view.mode === m.mode ? 'on' : ''}
              aria-pressed={view.mode === m.mode}
              data-testid={`heatmap-mode-${m.mode}`}
              onClick={() => p.onChange({ mode: m.mode })}
            >
              {m.label}
            </button>
          ))}
        </div>
        {view.mode !== 'state' && (
          <>
            <label>
              state{' '}
              <select data-testid="heatmap-state" value={view.state ?? p.busiest} onChange={(e) => p.onChange({ state: e.target.value })}>
                <option value={ANY_STATE}>any</option>
                {[...new Set([...TCP_STATES, ...p.stateChoices])].map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </label>
            <label>
              top{' '}
              <select data-testid="heatmap-topn" value={view.topN} onChange={(e) => p.onChange({ topN: Number(e.target.value) })}>
                {TOP_N_CHOICES.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
          </>
        )}
        <label title="Colour by log(1 + count): small counts stay visible next to a storm">
          <input type="checkbox" data-testid="heatmap-log" checked={view.log} onChange={(e) => p.onChange({ log: e.target.checked })} /> log scale
        </label>
        <label title="Show only the selected time range">
          <input type="checkbox" data-testid="heatmap-zoom" checked={view.zoom} disabled={!p.canZoom && !view.zoom} onChange={(e) => p.onChange({ zoom: e.target.checked })} /> zoom to
          selection
        </label>
      </div>
      {p.error && (
        <p className="panel-error" role="alert">
          {p.error}
        </p>
      )}
      {grid && p.width > 0 ? (
        grid.rows.length === 0 ? (
          <p className="muted" data-testid="heatmap-norows">
            No sockets{p.effState ? ` in ${p.effState}` : ''} in this range.
          </p>
        ) : (
          <Heatmap
            grid={grid}
            view={p.shown}
            width={p.width}
            log={view.log}
            selection={view.zoom ? null : p.selection}
            picked={p.pickedCell}
            onSelect={p.onSelect}
            onPick={p.onPick}
            formatTick={(ns, step) => p.fmtTime(ns, step < 1e9)}
            tickPhase={p.tickPhase}
            describe={p.describe}
            axisLabel={p.tz}
          />
        )
      ) : (
        !p.error && <p className="muted">Loading…</p>
      )}
      {grid && (
        <div className="heatmap-footer">
          <HeatmapLegend max={grid.max} log={view.log} />
          <Summary stats={p.stats} view={p.shown} fmt={p.fmtTime} snapshots={p.snapshots} />
        </div>
      )}
      {cell && (
        <div className="heatmap-cell" data-testid="heatmap-cell" ref={p.cellRef}>
          <div className="heatmap-cell-header">
            <b data-testid="heatmap-cell-count" data-count={cell.result.total}>
              {formatCount(cell.result.total)} socket{cell.result.total === 1 ? '' : 's'}
            </b>
            <span>{view.mode === 'state' ? cell.pick.row : `${cell.pick.row} · ${p.effState || 'any state'}`}</span>
            <span className="muted">
              snapshot at {p.fmtTime(cell.pick.axisNs)} {p.tz}
            </span>
            <button className="link" data-testid="heatmap-cell-close" onClick={p.onCloseCell}>
              Close
            </button>
          </div>
          <SocketTable sockets={cell.result.sockets} total={cell.result.total} />
        </div>
      )}
    </div>
  );
}

function Summary({ stats, view, fmt, snapshots }: { stats: RowStat[]; view: ViewRange; fmt: (ns: number, precise?: boolean) => string; snapshots?: Uint32Array }) {
  const n = snapshots ? snapshots.reduce((a, b) => a + b, 0) : 0;
  const top = stats.filter((s) => s.max > 0).slice(0, 3);
  return (
    <div className="heatmap-summary" data-testid="heatmap-summary">
      <span className="muted">
        {formatCount(n)} snapshot{n === 1 ? '' : 's'} in {fmt(view.startNs, false)}–{fmt(view.endNs, false)} ({formatDuration(view.endNs - view.startNs)})
      </span>
      {top.map((s) => (
        <span key={s.row} className="summary-row" data-testid="heatmap-summary-row" data-row={s.row} data-first={s.first} data-last={s.last} data-max={s.max}>
          <b>{s.row}</b> {formatCount(s.first)} → {formatCount(s.last)} <span className="muted">(peak {formatCount(s.max)})</span>
        </span>
      ))}
    </div>
  );
}
