/**
 * Connection heat map, connected: picks the ss source (the focused capture, else the one chosen in
 * the picker), turns its view state (store slice) and the visible range into a `heatmap` query at the
 * canvas resolution (useSourceQuery), lists a clicked cell's sockets (`socketsInCell`), and hands
 * everything to the plain HeatmapView. Brushing sets the store's session selection.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { SourceInfo } from '../../../../shared/bridge.ts';
import { useApp } from '../../store.ts';
import { hasSocketLines, selectHeatmapSource, useHeatmapView, useSourceNames } from '../../selectors.ts';
import { formatCount } from '../../format.ts';
import { useElementWidth } from '../../use-element-width.ts';
import { axisSpan, toAxisNs, toSourceSpan, sourceNs, type AxisSpan } from '../../time-domains.ts';
import { useSourceQuery } from '../../query/use-source-query.ts';
import { Panel } from '../Panel.tsx';
import { formatMeasure, HeatmapView, type ExitShown, type Picked } from './HeatmapView.tsx';
import { type CellHit, type HeatmapGrid, type ViewRange } from './heatmap-draw.ts';
import { cellSocketSort, shownSpan, useAxisClock, usePickedCell } from './heatmap-wiring.ts';
import { useCellSockets } from './use-cell-sockets.ts';
import { rowStats } from './row-stats.ts';
import { FleetHeatmap } from './FleetHeatmap.tsx';
import { hostLabels, isHostCapture } from '../../../../shared/source-hosts.ts';
import type { HostsShown } from '../../state/heatmap-view.ts';
import './heatmap.css';

/** Re-query at most this often while resizing or while a live capture grows. */
const DEBOUNCE_MS = 120;

export function HeatmapPanel() {
  const sources = useApp((s) => s.session.sources);
  const focused = useApp((s) => s.focusedSourceId);
  const showHeatmapOf = useApp((s) => s.showHeatmapOf);
  const captures = useMemo(() => sources.filter((s) => s.kind === 'ss' && s.status === 'ready'), [sources]);
  // Focusing a capture in the sources list shows it here; focusing another kind keeps the last one,
  // and so does focusing one without socket lines (`ss -s`): the first source ready gets the focus,
  // and that is often the tiny `ss -s` file. The picker still shows it (with its totals) on demand.
  useEffect(() => {
    const f = captures.find((s) => s.id === focused);
    if (f && hasSocketLines(f)) showHeatmapOf(f.id);
  }, [focused, captures]);
  const src = useApp((s) => selectHeatmapSource(s, captures));
  const nameOf = useSourceNames();

  const picker =
    captures.length > 1 ? (
      <select aria-label="Socket capture" data-testid="heatmap-source" value={src?.id} onChange={(e) => showHeatmapOf(e.target.value)}>
        {captures.map((s) => (
          <option key={s.id} value={s.id}>
            {nameOf(s)}
          </option>
        ))}
      </select>
    ) : null;

  if (!src) {
    return (
      <Panel
        title="Connections"
        testId="panel-heatmap"
        empty={
          <span data-testid="heatmap-empty">
            Drop an <code>ss</code> socket capture (e.g. <code>ss-capture.txt.gz</code>) to see TCP states over time.
          </span>
        }
      />
    );
  }
  return (
    <Panel title="Connections" testId="panel-heatmap" actions={picker}>
      <HostsOrOne src={src} captures={captures} />
    </Panel>
  );
}

/**
 * With several hosts' captures open (a fleet, a folder per host): the chosen capture's host alone,
 * all hosts summed, or one row per host; the choice is kept in the chosen capture's view slice.
 */
function HostsOrOne({ src, captures }: { src: SourceInfo; captures: SourceInfo[] }) {
  const fleet = useMemo(() => captures.filter(isHostCapture), [captures]);
  const view = useHeatmapView(src.id);
  const update = useApp((s) => s.updateHeatmapView);
  const names = useMemo(() => hostLabels(fleet), [fleet]);
  const several = fleet.length >= 2;
  const hosts: HostsShown = several ? view.hosts : 'one';
  const control = several ? (
    <label title="Which hosts the map shows (each host's capture is its own source)">
      hosts{' '}
      <select data-testid="heatmap-hosts" value={hosts} onChange={(e) => update(src.id, { hosts: e.target.value as HostsShown })}>
        <option value="one">{names.get(src.id) ?? src.name} only</option>
        <option value="sum">all {fleet.length} summed</option>
        <option value="rows">{fleet.length} hosts as rows</option>
      </select>
    </label>
  ) : null;
  if (hosts !== 'one') return <FleetHeatmap key={hosts} src={src} fleet={fleet} scope={hosts} hostsControl={control} />;
  return !hasSocketLines(src) ? <NoSocketLines src={src} /> : <ConnectedHeatmap key={src.id} src={src} hostsControl={control} />;
}

/** One capture's map: store slice + selection → queries → HeatmapView. */
function ConnectedHeatmap({ src, hostsControl }: { src: SourceInfo; hostsControl: ReactNode }) {
  const origin = useApp((s) => s.session.originEpochNs);
  const selection = useApp((s) => s.selection);
  const setSelection = useApp((s) => s.setSelection);
  const view = useHeatmapView(src.id);
  const update = useApp((s) => s.updateHeatmapView);
  const change = useCallback((c: Parameters<typeof update>[1]) => update(src.id, c), [src.id, update]);
  const [ref, width] = useElementWidth<HTMLDivElement>();
  // Ephemeral: the clicked cell, and the busiest state seen in states mode (the other modes start from it).
  const [picked, setPicked] = useState<Picked | null>(null);
  const [busiest, setBusiest] = useState<string>('ESTAB');

  // The visible range on the session axis: the selection when zoomed, else the whole capture.
  const shown: AxisSpan = useMemo(
    () => shownSpan(view.zoom, selection, src.axisStartNs ?? 0, src.axisEndNs ?? src.axisStartNs ?? 0),
    [view.zoom, selection, src.axisStartNs, src.axisEndNs],
  );

  const effState = view.mode === 'state' ? undefined : (view.state ?? busiest);
  const bins = Math.max(1, Math.floor((width - 100) / 2));
  const hm = useSourceQuery(
    src.id,
    'heatmap',
    width > 0
      ? {
          range: toSourceSpan(shown, src),
          bins,
          mode: view.mode,
          ...(effState ? { state: effState } : {}),
          topN: view.topN,
          ...(view.measure !== 'sockets' ? { measure: view.measure } : {}),
        }
      : null,
    { debounceMs: DEBOUNCE_MS },
  );
  const data = hm.data?.heatmap ?? null;
  // The mode the answer on screen was asked in (it may lag a mode switch a moment).
  const dataMode = useRef(view.mode);
  if (hm.fresh) dataMode.current = view.mode;

  const grid: HeatmapGrid | null = useMemo(() => {
    if (!data) return null;
    return {
      rows: data.rows,
      bins: data.binSnapshots.length,
      edgesNs: data.binEdgesNs.map((e) => toAxisNs(sourceNs(e), src)),
      counts: data.counts,
      shownBin: data.shownBin,
      max: data.max,
    };
  }, [data, src.axisShiftNs]);

  const stats = useMemo(() => (grid && data ? rowStats(grid, data.aliveBin) : []), [grid, data]);
  useEffect(() => {
    // The busiest state by socket count (a byte measure would pick where the bytes are, not the sockets).
    if (dataMode.current === 'state' && data?.measure === 'sockets' && stats[0] && stats[0].max > 0) setBusiest(stats[0].row);
  }, [stats]);
  // Exits inside the view, on the session axis.
  const exits: ExitShown[] = useMemo(() => {
    if (!data) return [];
    return data.exits
      .map((e) => ({ process: e.process, lastSeenNs: toAxisNs(sourceNs(e.lastSeenNs), src), goneByNs: toAxisNs(sourceNs(e.goneByNs), src) }))
      .filter((e) => e.lastSeenNs >= shown.startNs && e.lastSeenNs <= shown.endNs);
  }, [data, shown, src.axisShiftNs]);

  // Looking at queued bytes, a listed cell opens with its biggest queues first (unless a sort was chosen).
  const socketSort = cellSocketSort(view);
  const cell = useCellSockets(
    src.id,
    picked,
    picked && data ? { row: picked.row, mode: view.mode, ...(effState ? { state: effState } : {}), rows: data.rows } : null,
    view,
  );
  const { fmtTime, tz, tickPhase } = useAxisClock(origin);

  const describe = useCallback(
    (hit: CellHit) => {
      const row = data!.rows[hit.row] ?? '';
      const at = (ns: number) => fmtTime(toAxisNs(sourceNs(ns), src));
      if (hit.shown < 0) {
        const e = data!.binEdgesNs;
        return { row, count: 'no snapshot', time: `${at(e[hit.bin]!)} – ${at(e[hit.bin + 1]!)} ${tz}` };
      }
      const n = data!.binSnapshots[hit.shown]!;
      const t = at(data!.binTimeNs[hit.shown]!);
      return {
        row,
        count: data!.measure === 'sockets' ? formatMeasure('sockets', hit.count) : `${formatMeasure(data!.measure, hit.count)} in ${data!.measure === 'recvQ' ? 'Recv-Q' : 'Send-Q'}`,
        time: n > 1 ? `max of ${n} snapshots, last at ${t} ${tz}` : `snapshot at ${t} ${tz}`,
      };
    },
    [data, fmtTime, src.axisShiftNs, tz],
  );

  const onPick = useCallback(
    (hit: CellHit) => {
      if (!data) return;
      const snapshot = data.cellSnapshot[hit.row * data.binSnapshots.length + hit.shown]!;
      if (snapshot < 0) return;
      setPicked({ row: data.rows[hit.row]!, snapshot, axisNs: toAxisNs(sourceNs(data.binTimeNs[hit.shown]!), src) });
    },
    [data, src.axisShiftNs],
  );

  const pickedCell = usePickedCell(picked, grid);

  return (
    <HeatmapView
      rootRef={ref}
      width={width}
      view={view}
      busiest={busiest}
      stateChoices={dataMode.current === 'state' && data ? data.rows : []}
      ready={hm.fresh}
      error={hm.error ?? cell.error}
      grid={grid}
      shown={shown}
      selection={selection}
      canZoom={!!selection}
      stats={stats}
      exits={exits}
      snapshots={data?.binSnapshots}
      pickedCell={pickedCell}
      cell={cell.listed}
      socketSort={socketSort}
      cellRef={cell.cellRef}
      effState={effState}
      tz={tz}
      fmtTime={fmtTime}
      tickPhase={tickPhase}
      describe={describe}
      onChange={(c) => {
        // A new mode or state lists other rows: the listed cell no longer applies.
        if (c.mode !== undefined || c.state !== undefined) setPicked(null);
        change(c);
      }}
      onSelect={(r: ViewRange | null) => setSelection(r && axisSpan(r.startNs, r.endNs))}
      onPick={onPick}
      onCloseCell={() => setPicked(null)}
      leadControls={hostsControl}
    />
  );
}

/** Says why a socket source draws no map, with the totals it does hold. */
function NoSocketLines({ src }: { src: SourceInfo }) {
  const tcp = src.figures?.totals;
  const nameOf = useSourceNames();
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
        <b>{nameOf(src)}</b> ({src.format}) holds no socket addresses or states, so there is nothing to map over time
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
