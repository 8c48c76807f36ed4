/**
 * The connection heat map view, plain props: the mode / state / top-N / log / zoom controls, the
 * canvas (Heatmap), the legend and summary, and the listed cell's sockets. Holds no view state and
 * never queries: HeatmapPanel (connected) gives it the answers and takes its changes.
 */
import type { ReactNode, Ref } from 'react';
import type { HeatmapMode } from '../../../../shared/query/sockets/socket-heatmap.ts';
import type { CellSockets, SocketSort } from '../../../../shared/query/sockets/heatmap-view.ts';
import type { SocketMeasure } from '../../../../shared/query/sockets/socket-series.ts';
import { TCP_STATES } from '../../../../shared/model/sockets.ts';
import { formatBytes, formatCount, formatDuration } from '../../format.ts';
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
const MEASURES: { measure: SocketMeasure; label: string; title: string }[] = [
  { measure: 'sockets', label: 'Sockets', title: 'How many sockets' },
  { measure: 'recvQ', label: 'Recv-Q bytes', title: 'Bytes received but not yet read by the process (a reader that stopped)' },
  { measure: 'sendQ', label: 'Send-Q bytes', title: 'Bytes sent but not yet acknowledged by the peer' },
];
const ANY_STATE = '';

/** A value of the measure as the summary and the tooltip print it. */
export function formatMeasure(measure: SocketMeasure, v: number): string {
  if (measure === 'sockets') return `${formatCount(v)} socket${v === 1 ? '' : 's'}`;
  return formatBytes(v);
}

/** A clicked cell: its row and snapshot, and the snapshot's time on the session axis. */
export interface Picked {
  row: string;
  snapshot: number;
  axisNs: number;
}

export interface RowStat {
  row: string;
  first: number;
  /** At the last bin shown. */
  last: number;
  max: number;
  /** At the last bin where a process still owned a socket, when every owner exited in view; else null. */
  lastAlive: number | null;
}

/** A process whose sockets all vanished before the capture ended, with the time it was last seen (axis ns). */
export interface ExitShown {
  process: string;
  lastSeenNs: number;
  goneByNs: number;
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
  /** Owners that exited within the view, in exit order. */
  exits: ExitShown[];
  snapshots: Uint32Array | undefined;
  pickedCell: { row: number; bin: number } | null;
  cell: { pick: Picked; result: CellSockets } | null;
  /** The order the listed cell's sockets are in (the chosen one, or the measure's largest first). */
  socketSort: SocketSort | null;
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
  /** Controls placed first (the hosts choice, when several hosts' captures are open). */
  leadControls?: ReactNode;
  /** Rows are hosts: no row-mode buttons; the state choice says what each host row counts. */
  hostRows?: boolean;
  /** The host whose sockets the listed cell shows (several hosts' map). */
  cellHost?: string;
}

export function HeatmapView(p: HeatmapViewProps) {
  const { view, grid, cell } = p;
  return (
    <div className="heatmap" ref={p.rootRef} data-testid="heatmap" data-mode={view.mode} data-ready={p.ready ? 'true' : 'false'}>
      <div className="heatmap-controls">
        {p.leadControls}
        {!p.hostRows && (
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
        )}
        <label title="What a cell adds up">
          measure{' '}
          <select data-testid="heatmap-measure" value={view.measure} onChange={(e) => p.onChange({ measure: e.target.value as SocketMeasure })}>
            {MEASURES.map((m) => (
              <option key={m.measure} value={m.measure} title={m.title}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        {(view.mode !== 'state' || p.hostRows) && (
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
            {view.measure === 'sockets' ? 'No sockets' : `No bytes queued in ${view.measure === 'recvQ' ? 'Recv-Q' : 'Send-Q'} on any socket`}
            {p.effState ? ` in ${p.effState}` : ''} in this range.
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
          <HeatmapLegend max={grid.max} log={view.log} measure={view.measure} />
          <Summary stats={p.stats} exits={p.exits} measure={view.measure} view={p.shown} fmt={p.fmtTime} tz={p.tz} snapshots={p.snapshots} />
        </div>
      )}
      {cell && (
        <div className="heatmap-cell" data-testid="heatmap-cell" ref={p.cellRef}>
          <div className="heatmap-cell-header">
            <b data-testid="heatmap-cell-count" data-count={cell.result.total}>
              {formatCount(cell.result.total)} socket{cell.result.total === 1 ? '' : 's'}
            </b>
            {!p.hostRows && <span>{view.mode === 'state' ? cell.pick.row : `${cell.pick.row} · ${p.effState || 'any state'}`}</span>}
            {p.cellHost && (
              <span data-testid="heatmap-cell-host" data-host={p.cellHost}>
                on host <b>{p.cellHost}</b>
                {p.hostRows && ` · ${p.effState || 'any state'}`}
              </span>
            )}
            <span className="muted">
              snapshot at {p.fmtTime(cell.pick.axisNs)} {p.tz}
            </span>
            <button className="link" data-testid="heatmap-cell-close" onClick={p.onCloseCell}>
              Close
            </button>
          </div>
          <SocketTable
            sockets={cell.result.sockets}
            total={cell.result.total}
            matched={cell.result.matched}
            recvQ={cell.result.recvQ}
            sendQ={cell.result.sendQ}
            sort={p.socketSort}
            filter={view.socketFilter}
            onSort={(socketSort) => p.onChange({ socketSort })}
            onFilter={(socketFilter) => p.onChange({ socketFilter })}
          />
        </div>
      )}
    </div>
  );
}

/**
 * first → peak → last per busiest row. When every process owning sockets exited in view, "last" is
 * the last snapshot while they were alive (the one after the exit reads 0 for a leak, which looked like
 * "no change"), the value after the exit follows, and the exits are named.
 */
function Summary(p: {
  stats: RowStat[];
  exits: ExitShown[];
  measure: SocketMeasure;
  view: ViewRange;
  fmt: (ns: number, precise?: boolean) => string;
  tz: string;
  snapshots?: Uint32Array;
}) {
  const n = p.snapshots ? p.snapshots.reduce((a, b) => a + b, 0) : 0;
  const top = p.stats.filter((s) => s.max > 0).slice(0, 3);
  const v = (x: number) => (p.measure === 'sockets' ? formatCount(x) : formatBytes(x));
  return (
    <div className="heatmap-summary" data-testid="heatmap-summary">
      <span className="muted">
        {formatCount(n)} snapshot{n === 1 ? '' : 's'} in {p.fmt(p.view.startNs, false)}–{p.fmt(p.view.endNs, false)} ({formatDuration(p.view.endNs - p.view.startNs)})
        {p.measure !== 'sockets' && ` · ${p.measure === 'recvQ' ? 'Recv-Q' : 'Send-Q'} bytes`}
      </span>
      {exitGroups(p.exits).map((g) => (
        <span key={g.lastSeenNs} className="heatmap-exits" data-testid="heatmap-exits">
          exited after {p.fmt(g.lastSeenNs)} {p.tz}:{' '}
          {g.processes.map((name, i) => (
            <span key={name} data-testid="heatmap-exit" data-process={name}>
              {i > 0 ? ', ' : ''}
              {name}
            </span>
          ))}
        </span>
      ))}
      {top.map((s) => (
        <span
          key={s.row}
          className="summary-row"
          data-testid="heatmap-summary-row"
          data-row={s.row}
          data-first={s.first}
          data-last={s.last}
          data-max={s.max}
          data-alive={s.lastAlive ?? ''}
        >
          <b>{s.row}</b> {v(s.first)} → peak {v(s.max)} → {s.lastAlive === null ? v(s.last) : <>{v(s.lastAlive)} while alive</>}
          {s.lastAlive !== null && <span className="exit"> ({v(s.last)} after exit)</span>}
        </span>
      ))}
    </div>
  );
}

/** Exits at the same snapshot read as one line ("exited after 12:00:29.7: a (pid 1), b (pid 2)"). */
function exitGroups(exits: ExitShown[]): { lastSeenNs: number; processes: string[] }[] {
  const out: { lastSeenNs: number; processes: string[] }[] = [];
  for (const e of exits) {
    const g = out.find((x) => x.lastSeenNs === e.lastSeenNs);
    if (g) g.processes.push(e.process);
    else out.push({ lastSeenNs: e.lastSeenNs, processes: [e.process] });
  }
  return out;
}
