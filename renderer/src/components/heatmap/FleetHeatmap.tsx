/**
 * The heat map over several hosts' captures, connected: all hosts summed, or one row per host. Asks
 * the host's `heatmapAcross` (each capture's engine draws its part, one joins them), lists a clicked
 * cell's sockets from the host that cell names (`socketsInCell` of that capture), and hands everything
 * to the plain HeatmapView. The view state is the chosen capture's slice, as for one host.
 */
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import type { SourceInfo } from '../../../../shared/bridge.ts';
import { useApp } from '../../store.ts';
import { useHeatmapView } from '../../selectors.ts';
import { useElementWidth } from '../../use-element-width.ts';
import { axisSpan, type AxisSpan } from '../../time-domains.ts';
import { useRequest } from '../../query/use-source-query.ts';
import { bridge } from '../../bridge-client.ts';
import { formatMeasure, HeatmapView, type Picked } from './HeatmapView.tsx';
import { type CellHit, type HeatmapGrid, type ViewRange } from './heatmap-draw.ts';
import { shownSpan, useAxisClock, usePickedCell } from './heatmap-wiring.ts';
import { useCellSockets } from './use-cell-sockets.ts';
import { rowStats } from './row-stats.ts';

const DEBOUNCE_MS = 120;

/** A listed cell of the fleet map: which host's capture, and its snapshot there. */
interface FleetPick extends Picked {
  sourceId: string;
  host: string;
}

export function FleetHeatmap({ src, fleet, scope, hostsControl }: { src: SourceInfo; fleet: SourceInfo[]; scope: 'sum' | 'rows'; hostsControl: ReactNode }) {
  const origin = useApp((s) => s.session.originEpochNs);
  const selection = useApp((s) => s.selection);
  const setSelection = useApp((s) => s.setSelection);
  const view = useHeatmapView(src.id);
  const update = useApp((s) => s.updateHeatmapView);
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const [picked, setPicked] = useState<FleetPick | null>(null);
  const hostRows = scope === 'rows';

  // Visible range: the selection when zoomed, else every host's capture.
  const shown: AxisSpan = useMemo(() => {
    let a = Infinity;
    let b = -Infinity;
    for (const s of fleet) {
      a = Math.min(a, s.axisStartNs ?? Infinity);
      b = Math.max(b, s.axisEndNs ?? -Infinity);
    }
    // No capture with a time span yet: the first second.
    return b >= a ? shownSpan(view.zoom, selection, a, b) : shownSpan(view.zoom, selection, 0, 1e9);
  }, [view.zoom, selection, fleet]);

  // In the peer/port/process modes a host's map counts one state; over hosts "any" unless chosen.
  const effState = hostRows || view.mode !== 'state' ? (view.state ?? '') : undefined;
  const bins = Math.max(1, Math.floor((width - 100) / 2));
  const ids = fleet.map((s) => s.id);
  // Live captures grow: their sizes in the key ask again as data arrives.
  const version = fleet.map((s) => `${s.id}:${s.sizeBytes}:${s.axisShiftNs ?? ''}`).join(',');
  const arg =
    width > 0
      ? {
          ids,
          range: { startNs: shown.startNs, endNs: shown.endNs },
          bins,
          scope,
          mode: hostRows ? ('state' as const) : view.mode,
          ...(effState ? { state: effState } : {}),
          topN: view.topN,
          ...(view.measure !== 'sockets' ? { measure: view.measure } : {}),
        }
      : null;
  const hm = useRequest(arg ? JSON.stringify(['heatmapAcross', arg, version]) : null, () => bridge.request('heatmapAcross', arg!), {
    debounceMs: DEBOUNCE_MS,
    scope: `fleet:${scope}`,
  });
  const data = hm.data ?? null;

  const grid: HeatmapGrid | null = useMemo(
    () => (data ? { rows: data.rows, bins: data.shownBin.length, edgesNs: data.binEdgesNs, counts: data.counts, shownBin: data.shownBin, max: data.max } : null),
    [data],
  );
  const stats = useMemo(() => (grid ? rowStats(grid, -1) : []), [grid]);

  const sourceMode = hostRows ? (effState ? 'state' : 'peer') : view.mode;
  const cell = useCellSockets(
    picked?.sourceId,
    picked,
    picked && data
      ? {
          // A host row lists that host's sockets of the chosen state (every socket: peer mode's OTHER over no rows).
          row: hostRows ? effState || 'other' : picked.row,
          mode: sourceMode,
          ...(effState && !(hostRows && sourceMode === 'state') ? { state: effState } : {}),
          rows: hostRows ? [] : data.rows,
        }
      : null,
    view,
  );
  const { fmtTime, tz, tickPhase } = useAxisClock(origin);

  const describe = useCallback(
    (hit: CellHit) => {
      const row = data!.rows[hit.row] ?? '';
      const bins = data!.shownBin.length;
      const e = data!.binEdgesNs;
      if (hit.shown < 0) return { row, count: 'no snapshot', time: `${fmtTime(e[hit.bin]!)} – ${fmtTime(e[hit.bin + 1]!)} ${tz}` };
      const at = hit.row * bins + hit.shown;
      const h = data!.cellHost[at]!;
      const count = formatMeasure(data!.measure, hit.count);
      const hostsThere = data!.hostsInBin[hit.shown]!;
      const who = hostRows ? (h >= 0 ? `host ${data!.hosts[h]!.host}` : '') : `${hostsThere} of ${data!.hosts.length} hosts${h >= 0 ? `, most on ${data!.hosts[h]!.host}` : ''}`;
      return { row, count, time: `${who} · ${fmtTime(e[hit.shown]!)} – ${fmtTime(e[hit.shown + 1]!)} ${tz}` };
    },
    [data, fmtTime, tz, hostRows],
  );

  const onPick = useCallback(
    (hit: CellHit) => {
      if (!data) return;
      const at = hit.row * data.shownBin.length + hit.shown;
      const h = data.cellHost[at]!;
      const snapshot = data.cellSnapshot[at]!;
      if (h < 0 || snapshot < 0) return;
      setPicked({ row: data.rows[hit.row]!, snapshot, axisNs: data.cellTimeNs[at]!, sourceId: data.hosts[h]!.sourceId, host: data.hosts[h]!.host });
    },
    [data],
  );

  const pickedCell = usePickedCell(picked, grid);

  return (
    <div data-testid="heatmap-fleet" data-scope={scope} data-hosts={fleet.length}>
      <HeatmapView
        rootRef={ref}
        width={width}
        view={view}
        busiest=""
        stateChoices={[]}
        ready={hm.fresh}
        error={hm.error ?? cell.error}
        grid={grid}
        shown={shown}
        selection={selection}
        canZoom={!!selection}
        stats={stats}
        exits={[]}
        snapshots={data?.binSnapshots}
        pickedCell={pickedCell}
        cell={cell.listed}
        socketSort={view.socketSort}
        cellRef={cell.cellRef}
        effState={effState}
        tz={tz}
        fmtTime={fmtTime}
        tickPhase={tickPhase}
        describe={describe}
        onChange={(c) => {
          if (c.mode !== undefined || c.state !== undefined || c.hosts !== undefined) setPicked(null);
          update(src.id, c);
        }}
        onSelect={(r: ViewRange | null) => setSelection(r && axisSpan(r.startNs, r.endNs))}
        onPick={onPick}
        onCloseCell={() => setPicked(null)}
        leadControls={hostsControl}
        hostRows={hostRows}
        cellHost={picked?.host}
      />
    </div>
  );
}
