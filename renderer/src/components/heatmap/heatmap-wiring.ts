/**
 * Wiring the one-host map (HeatmapPanel) and the fleet map (FleetHeatmap) share around the plain
 * HeatmapView: wall-clock labels on the session axis, the picked cell's place on the grid, and the
 * listed cell's answer and scroll. The maps differ in what they ask; these parts are the same.
 */
import { useCallback, useLayoutEffect, useMemo, useRef, type RefObject } from 'react';
import { axisToDate, formatClock, timeZoneName } from '../../format.ts';
import { axisSpan, type AxisSpan } from '../../time-domains.ts';
import type { SocketSort } from '../../../../shared/query/sockets/heatmap-view.ts';
import type { HeatmapViewState } from '../../state/heatmap-view.ts';
import type { Picked } from './HeatmapView.tsx';
import { binAt, type HeatmapGrid } from './heatmap-draw.ts';

/** Session-axis ns as the map labels them: wall-clock time when the session has an origin, else seconds. */
export function useAxisClock(origin: string | null | undefined): {
  fmtTime: (ns: number, precise?: boolean) => string;
  tz: string;
  /** Ticks on whole clock steps: the origin's phase against a step (undefined without an origin). */
  tickPhase: ((step: number) => number) | undefined;
} {
  const fmtTime = useCallback(
    (ns: number, precise = true) => (origin ? formatClock(axisToDate(origin, ns), precise) : `${(ns / 1e9).toFixed(precise ? 3 : 1)} s`),
    [origin],
  );
  const tickPhase = useMemo(() => {
    if (!origin) return undefined;
    const o = BigInt(origin);
    return (step: number) => Number(o % BigInt(Math.round(step)));
  }, [origin]);
  return { fmtTime, tz: timeZoneName(), tickPhase };
}

/**
 * The map's range on the session axis: the selection when zoomed to it, else the data's own span
 * (a lone snapshot is a point in time: it gets a visible second on each side).
 */
export function shownSpan(zoom: boolean, selection: AxisSpan | null, startNs: number, endNs: number): AxisSpan {
  if (zoom && selection && selection.endNs > selection.startNs) return selection;
  return endNs - startNs < 1e6 ? axisSpan(startNs - 1e9, endNs + 1e9) : axisSpan(startNs, endNs);
}

/** The socket table's order: the chosen one, else (looking at queued bytes) the biggest queues first. */
export function cellSocketSort(view: HeatmapViewState): SocketSort | null {
  return view.socketSort ?? (view.measure !== 'sockets' ? { column: view.measure, desc: true } : null);
}

/** What a listed cell's `socketsInCell` asks besides the cell itself: 500 sockets at most, in that order, filtered. */
export function cellListOptions(view: HeatmapViewState): { limit: number; sort?: SocketSort; filter?: string } {
  const sort = cellSocketSort(view);
  return { limit: 500, ...(sort ? { sort } : {}), ...(view.socketFilter ? { filter: view.socketFilter } : {}) };
}

/** Where a picked cell stands on the grid now (its row by name, its bin by time); null when off it. */
export function usePickedCell(picked: Picked | null, grid: HeatmapGrid | null): { row: number; bin: number } | null {
  return useMemo(() => {
    if (!picked || !grid) return null;
    const row = grid.rows.indexOf(picked.row);
    const bin = binAt(grid, picked.axisNs);
    return row >= 0 && bin >= 0 ? { row, bin } : null;
  }, [picked, grid]);
}

/**
 * The listed cell: the pick and its answer, shown only when the answer on screen is the current
 * pick's (a new pick must not show the previous cell's sockets under its header while its own are on
 * their way; a re-sort of the same cell keeps its table meanwhile), and a ref that brings a newly
 * listed cell into view inside the panel.
 */
export function useListedCell<P, C>(
  picked: P | null,
  cell: { fresh: boolean; data: { cell: C } | null },
): { listed: { pick: P; result: C } | null; cellRef: RefObject<HTMLDivElement | null> } {
  const answeredPick = useRef<P | null>(null);
  if (cell.fresh) answeredPick.current = picked;
  const cellRef = useRef<HTMLDivElement>(null);
  // The panel has a fixed height. (A block body: newer Chromium returns a promise from
  // scrollIntoView, which React would take for a cleanup.)
  useLayoutEffect(() => {
    void cellRef.current?.scrollIntoView?.({ block: 'nearest' });
  }, [cell.data]);
  const answered = picked !== null && answeredPick.current === picked;
  return { listed: picked !== null && cell.data && answered ? { pick: picked, result: cell.data.cell } : null, cellRef };
}
