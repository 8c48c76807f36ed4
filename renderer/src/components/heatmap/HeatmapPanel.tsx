import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { SourceInfo } from '../../../../shared/bridge.ts';
import type { HeatmapMode } from '../../../../shared/query/socket-heatmap.ts';
import type { CellSockets, HeatmapView } from '../../../../shared/query/heatmap-view.ts';
import { TCP_STATES } from '../../../../shared/model/sockets.ts';
import { bridge } from '../../bridge-client.ts';
import { useApp, type TimeRange } from '../../store.ts';
import { axisToDate, formatClock, formatCount, formatDuration, timeZoneName } from '../../format.ts';
import { useElementWidth } from '../../use-element-width.ts';
import { Panel } from '../Panel.tsx';
import { Heatmap } from './Heatmap.tsx';
import { HeatmapLegend } from './HeatmapLegend.tsx';
import { SocketTable } from './SocketTable.tsx';
import { binAt, type CellHit, type HeatmapGrid, type ViewRange } from './heatmap-draw.ts';
import './heatmap.css';
import { usePersistedViewState } from '../../export/view-state.ts';
import { useViewFocus } from '../findings/view-focus.ts';

const MODES: { mode: HeatmapMode; label: string }[] = [
  { mode: 'state', label: 'States' },
  { mode: 'peer', label: 'Peers' },
  { mode: 'localPort', label: 'Local ports' },
  { mode: 'process', label: 'Processes' },
];
const ANY_STATE = '';
const TOP_N = [5, 10, 20];
/** Re-query at most this often while resizing or while a live capture grows. */
const DEBOUNCE_MS = 120;

/**
 * Connection heat map (connected): picks the ss source (the focused one when it is a capture, else
 * the one chosen in the picker), asks its engine for bins at the canvas resolution for the visible
 * range, and wires hover, click-to-list and brushing to the store's session selection.
 */
export function HeatmapPanel() {
  const sources = useApp((s) => s.session.sources);
  const focused = useApp((s) => s.focusedSourceId);
  const captures = useMemo(() => sources.filter((s) => s.kind === 'ss' && s.status === 'ready'), [sources]);
  const [chosen, setChosen] = useState<string | null>(null);
  // Focusing a capture in the sources list shows it here; focusing another kind keeps the last one,
  // and so does focusing one without socket lines (`ss -s`): the first source ready gets the focus,
  // and that is often the tiny `ss -s` file. The picker still shows it (with its totals) on demand.
  const mapped = useMemo(() => captures.filter(hasSocketLines), [captures]);
  useEffect(() => {
    const f = captures.find((s) => s.id === focused);
    if (f && hasSocketLines(f)) setChosen(f.id);
  }, [focused, captures]);
  const src = captures.find((s) => s.id === chosen) ?? mapped[0] ?? captures[0];

  const picker =
    captures.length > 1 ? (
      <select aria-label="Socket capture" data-testid="heatmap-source" value={src?.id} onChange={(e) => setChosen(e.target.value)}>
        {captures.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
    ) : null;

  return (
    <Panel title="Connections" testId="panel-heatmap" actions={picker}>
      {src && !hasSocketLines(src) ? (
        <NoSocketLines src={src} />
      ) : src ? (
        <HeatmapBody key={src.id} src={src} />
      ) : (
        <p className="muted" data-testid="heatmap-empty">
          Drop an <code>ss</code> socket capture (e.g. <code>ss-capture.txt.gz</code>) to see TCP states over time.
        </p>
      )}
    </Panel>
  );
}

/** Whether a socket source lists sockets (`ss -s` and bare fd listings only count them). */
function hasSocketLines(s: SourceInfo): boolean {
  const n = s.figures?.sockets;
  // A live capture may have no sockets yet: lines are coming. A capture over time with none keeps
  // its map (an empty map over time is itself the answer).
  if (s.live || typeof n !== 'number' || n > 0) return true;
  return typeof s.figures?.snapshots === 'number' && s.figures.snapshots > 1;
}

/** Says why a socket source draws no map, with the totals it does hold. */
function NoSocketLines({ src }: { src: SourceInfo }) {
  const tcp = src.figures?.totals;
  const totals =
    tcp && typeof tcp === 'object'
      ? Object.entries(tcp as Record<string, unknown>)
          .filter((e): e is [string, number] => typeof e[1] === 'number')
          .map(([k, v]) => `${k} ${formatCount(v)}`)
          .join(' · ')
      : '';
  const fds = Array.isArray(src.figures?.fds) ? (src.figures.fds as { pid?: number; count?: number }[]) : [];
  return (
    <div className="muted" data-testid="heatmap-no-sockets">
      <p>
        <b>{src.name}</b> ({src.format}) holds no socket addresses or states, so there is nothing to map over time
        {src.format === 'ss summary' ? (
          <>
            : <code>ss -s</code> prints host-wide totals (earlier runs included).
          </>
        ) : (
          '.'
        )}
      </p>
      {totals && <p data-testid="heatmap-totals">TCP: {totals}</p>}
      {fds.map((f, i) => (
        <p key={i}>
          {formatCount(f.count ?? 0)} open file descriptors{f.pid ? ` in pid ${f.pid}` : ''}
        </p>
      ))}
      <p>Drop an <code>ss -tanoip</code> capture (or lsof output) to see TCP states over time.</p>
    </div>
  );
}

interface Picked {
  row: string;
  snapshot: number;
  /** Snapshot time on the session axis (to find its bin again after a re-query). */
  axisNs: number;
}

function HeatmapBody({ src }: { src: SourceInfo }) {
  const origin = useApp((s) => s.session.originEpochNs);
  const selection = useApp((s) => s.selection);
  const setSelection = useApp((s) => s.setSelection);
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const [mode, setMode] = useState<HeatmapMode>('state');
  const [state, setState] = useState<string | null>(null);
  const [topN, setTopN] = useState(10);
  const [log, setLog] = useState(false);
  const [zoom, setZoom] = useState(false);
  const [data, setData] = useState<{ key: string; hm: HeatmapView; shift: number; mode: HeatmapMode } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busiest, setBusiest] = useState<string>('ESTAB');
  const [picked, setPicked] = useState<Picked | null>(null);
  const [cell, setCell] = useState<{ pick: Picked; result: CellSockets } | null>(null);
  // Session files keep this view's settings per capture.
  usePersistedViewState('heatmap', src.name, { mode, state, topN, log, zoom }, (v) => {
    if (v.mode) setMode(v.mode);
    setState(v.state ?? null);
    if (typeof v.topN === 'number') setTopN(v.topN);
    setLog(!!v.log);
    setZoom(!!v.zoom);
  });
  // "Show" from the Findings panel: a state's sockets by peer, or the states view.
  useViewFocus('heatmap', src.id, (f) => {
    if (f.state && f.peer) {
      setMode('peer');
      setState(f.state);
    } else if (f.state) setMode('state');
  });
  const cellRef = useRef<HTMLDivElement>(null);
  // The panel has a fixed height: bring a newly listed cell into view inside it.
  // (A block body: newer Chromium returns a promise from scrollIntoView, which React would take for a cleanup.)
  useLayoutEffect(() => {
    void cellRef.current?.scrollIntoView?.({ block: 'nearest' });
  }, [cell]);

  const shift = src.axisShiftNs ?? 0;
  const view: ViewRange = useMemo(() => {
    if (zoom && selection && selection.endNs > selection.startNs) return selection;
    const a = src.axisStartNs ?? 0;
    const b = src.axisEndNs ?? a;
    // A lone snapshot is a point in time: give it a visible span.
    return b - a < 1e6 ? { startNs: a - 1e9, endNs: b + 1e9 } : { startNs: a, endNs: b };
  }, [zoom, selection, src.axisStartNs, src.axisEndNs]);

  const effState = mode === 'state' ? undefined : (state ?? busiest);
  const bins = Math.max(1, Math.floor((width - 100) / 2));
  const queryKey = JSON.stringify([src.id, view.startNs, view.endNs, bins, mode, effState, topN]);

  useEffect(() => {
    if (width <= 0) return;
    let live = true;
    const t = setTimeout(
      () => {
        bridge
          .request('query', {
            id: src.id,
            query: {
              type: 'heatmap',
              range: { startNs: view.startNs - shift, endNs: view.endNs - shift },
              bins,
              mode,
              ...(effState ? { state: effState } : {}),
              topN,
            },
          })
          .then((r) => {
            if (!live || r.type !== 'heatmap') return;
            setData({ key: queryKey, hm: r.heatmap, shift, mode });
            setError(null);
          })
          .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
      },
      data ? DEBOUNCE_MS : 0,
    );
    return () => {
      live = false;
      clearTimeout(t);
    };
    // queryKey captures every input of the request.
  }, [queryKey, width > 0]);

  const grid: HeatmapGrid | null = useMemo(() => {
    if (!data) return null;
    const hm = data.hm;
    return {
      rows: hm.rows,
      bins: hm.binSnapshots.length,
      edgesNs: hm.binEdgesNs.map((e) => e + data.shift),
      counts: hm.counts,
      shownBin: hm.shownBin,
      max: hm.max,
    };
  }, [data]);

  const stats = useMemo(() => (data && grid ? rowStats(grid) : []), [data, grid]);
  // In states mode remember the busiest state: the peers/ports/processes modes start from it.
  useEffect(() => {
    if (data?.mode === 'state' && stats[0] && stats[0].max > 0) setBusiest(stats[0].row);
  }, [data, stats]);

  const fmtTime = useCallback(
    (ns: number, precise = true) => (origin ? formatClock(axisToDate(origin, ns), precise) : `${(ns / 1e9).toFixed(precise ? 3 : 1)} s`),
    [origin],
  );
  const formatTick = useCallback((ns: number, step: number) => fmtTime(ns, step < 1e9), [fmtTime]);
  const tickPhase = useMemo(() => {
    if (!origin) return undefined;
    const o = BigInt(origin);
    return (step: number) => Number(o % BigInt(Math.round(step)));
  }, [origin]);
  const tz = timeZoneName();

  const describe = useCallback(
    (hit: CellHit) => {
      const hm = data!.hm;
      const row = hm.rows[hit.row] ?? '';
      if (hit.shown < 0) {
        const e = hm.binEdgesNs;
        return { row, count: 'no snapshot', time: `${fmtTime(e[hit.bin]! + shift)} – ${fmtTime(e[hit.bin + 1]! + shift)} ${tz}` };
      }
      const n = hm.binSnapshots[hit.shown]!;
      const at = hm.binTimeNs[hit.shown]! + shift;
      return {
        row,
        count: `${formatCount(hit.count)} socket${hit.count === 1 ? '' : 's'}`,
        time: n > 1 ? `max of ${n} snapshots, last at ${fmtTime(at)} ${tz}` : `snapshot at ${fmtTime(at)} ${tz}`,
      };
    },
    [data, fmtTime, shift, tz],
  );

  const onPick = useCallback(
    (hit: CellHit) => {
      if (!data) return;
      const hm = data.hm;
      const snapshot = hm.cellSnapshot[hit.row * hm.binSnapshots.length + hit.shown]!;
      const row = hm.rows[hit.row]!;
      if (snapshot < 0) return;
      const pick: Picked = { row, snapshot, axisNs: hm.binTimeNs[hit.shown]! + data.shift };
      setPicked(pick);
      bridge
        .request('query', {
          id: src.id,
          query: { type: 'socketsInCell', snapshot, row, mode, ...(effState ? { state: effState } : {}), rows: hm.rows, limit: 500 },
        })
        .then((r) => {
          if (r.type === 'socketsInCell') setCell({ pick, result: r.cell });
        })
        .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
    },
    [data, src.id, mode, effState],
  );

  const pickedCell = useMemo(() => {
    if (!picked || !grid) return null;
    const row = grid.rows.indexOf(picked.row);
    const bin = binAt(grid, picked.axisNs);
    return row >= 0 && bin >= 0 ? { row, bin } : null;
  }, [picked, grid]);

  const switchMode = (m: HeatmapMode) => {
    setMode(m);
    setPicked(null);
    setCell(null);
  };
  const onSelect = useCallback((r: TimeRange | null) => setSelection(r), [setSelection]);

  return (
    <div className="heatmap" ref={ref} data-testid="heatmap" data-mode={mode} data-ready={data?.key === queryKey ? 'true' : 'false'}>
      <div className="heatmap-controls">
        <div className="segmented" role="group" aria-label="Rows">
          {MODES.map((m) => (
            <button key={m.mode} className={mode === m.mode ? 'on' : ''} aria-pressed={mode === m.mode} data-testid={`heatmap-mode-${m.mode}`} onClick={() => switchMode(m.mode)}>
              {m.label}
            </button>
          ))}
        </div>
        {mode !== 'state' && (
          <>
            <label>
              state{' '}
              <select
                data-testid="heatmap-state"
                value={state ?? busiest}
                onChange={(e) => {
                  setState(e.target.value);
                  setPicked(null);
                  setCell(null);
                }}
              >
                <option value={ANY_STATE}>any</option>
                {[...new Set([...TCP_STATES, ...(data?.mode === 'state' ? data.hm.rows : [])])].map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </label>
            <label>
              top{' '}
              <select data-testid="heatmap-topn" value={topN} onChange={(e) => setTopN(Number(e.target.value))}>
                {TOP_N.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
          </>
        )}
        <label title="Colour by log(1 + count): small counts stay visible next to a storm">
          <input type="checkbox" data-testid="heatmap-log" checked={log} onChange={(e) => setLog(e.target.checked)} /> log scale
        </label>
        <label title="Show only the selected time range">
          <input type="checkbox" data-testid="heatmap-zoom" checked={zoom} disabled={!selection && !zoom} onChange={(e) => setZoom(e.target.checked)} /> zoom to selection
        </label>
      </div>
      {error && (
        <p className="panel-error" role="alert">
          {error}
        </p>
      )}
      {grid && width > 0 ? (
        grid.rows.length === 0 ? (
          <p className="muted" data-testid="heatmap-norows">
            No sockets{effState ? ` in ${effState}` : ''} in this range.
          </p>
        ) : (
          <Heatmap
            grid={grid}
            view={view}
            width={width}
            log={log}
            selection={zoom ? null : selection}
            picked={pickedCell}
            onSelect={onSelect}
            onPick={onPick}
            formatTick={formatTick}
            tickPhase={tickPhase}
            describe={describe}
            axisLabel={tz}
          />
        )
      ) : (
        !error && <p className="muted">Loading…</p>
      )}
      {grid && (
        <div className="heatmap-footer">
          <HeatmapLegend max={grid.max} log={log} />
          <Summary stats={stats} view={view} fmt={fmtTime} snapshots={data?.hm.binSnapshots} />
        </div>
      )}
      {cell && (
        <div className="heatmap-cell" data-testid="heatmap-cell" ref={cellRef}>
          <div className="heatmap-cell-header">
            <b data-testid="heatmap-cell-count" data-count={cell.result.total}>
              {formatCount(cell.result.total)} socket{cell.result.total === 1 ? '' : 's'}
            </b>
            <span>
              {mode === 'state' ? cell.pick.row : `${cell.pick.row} · ${effState || 'any state'}`}
            </span>
            <span className="muted">
              snapshot at {fmtTime(cell.pick.axisNs)} {tz}
            </span>
            <button
              className="link"
              data-testid="heatmap-cell-close"
              onClick={() => {
                setCell(null);
                setPicked(null);
              }}
            >
              Close
            </button>
          </div>
          <SocketTable sockets={cell.result.sockets} total={cell.result.total} />
        </div>
      )}
    </div>
  );
}

interface RowStat {
  row: string;
  first: number;
  last: number;
  max: number;
}

/** first / last / max per row over the bins that show a snapshot, busiest rows first. */
function rowStats(grid: HeatmapGrid): RowStat[] {
  let f = -1;
  let l = -1;
  for (let b = 0; b < grid.bins; b++) {
    if (grid.shownBin[b]! < 0) continue;
    if (f < 0) f = grid.shownBin[b]!;
    l = grid.shownBin[b]!;
  }
  if (f < 0) return [];
  return grid.rows
    .map((row, r) => {
      let max = 0;
      for (let b = 0; b < grid.bins; b++) max = Math.max(max, grid.counts[r * grid.bins + b]!);
      return { row, first: grid.counts[r * grid.bins + f]!, last: grid.counts[r * grid.bins + l]!, max };
    })
    .sort((a, b) => b.max - a.max);
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
