/**
 * Selectors: what views derive from the store, in one place. The selected range reaches every
 * query through useSourceSelection (the selection in one source's own clock); view state through
 * the per-source slice selectors, which return a shared default for a source never changed.
 */
import { useMemo } from 'react';
import type { SourceId, SourceInfo } from '../../shared/bridge.ts';
import { useApp, type AppState } from './store.ts';
import { toSourceSpan, type SourceSpan } from './time-domains.ts';
import { sourceDisplayNames } from '../../shared/source-names.ts';
import { DEFAULT_FLAME_VIEW, type FlameViewState } from './state/flame-view.ts';
import { DEFAULT_HEATMAP_VIEW, type HeatmapViewState } from './state/heatmap-view.ts';
import { DEFAULT_TRACE_DETAILS_VIEW, type TraceDetailsViewState } from './state/table-views.ts';
import { DEFAULT_TRACE_TIMELINE_VIEW, type TraceTimelineViewState } from './state/trace-timeline-view.ts';

export const selectSource = (st: AppState, id: SourceId | null | undefined): SourceInfo | undefined =>
  id ? st.session.sources.find((s) => s.id === id) : undefined;

export const selectFlameView = (st: AppState, id: SourceId | null | undefined): FlameViewState =>
  (id && st.flameViews[id]) || DEFAULT_FLAME_VIEW;

export const selectHeatmapView = (st: AppState, id: SourceId | null | undefined): HeatmapViewState =>
  (id && st.heatmapViews[id]) || DEFAULT_HEATMAP_VIEW;

/**
 * The selection in one source's own clock (what its engine's `range` arguments take), or undefined
 * when nothing is selected or the source is not on the axis yet. Recomputed only when the selection
 * or the source's shift changes, so it is a stable query argument.
 */
export function useSourceSelection(sourceId: SourceId | null | undefined): SourceSpan | undefined {
  const selection = useApp((s) => s.selection);
  const shift = useApp((s) => selectSource(s, sourceId)?.axisShiftNs);
  return useMemo(() => (selection && shift !== undefined ? toSourceSpan(selection, { axisShiftNs: shift }) : undefined), [selection, shift]);
}

export const selectTraceDetailsView = (st: AppState, id: SourceId | null | undefined): TraceDetailsViewState =>
  (id && st.traceDetailsViews[id]) || DEFAULT_TRACE_DETAILS_VIEW;
export const useTraceDetailsView = (id: SourceId | null | undefined): TraceDetailsViewState => useApp((s) => selectTraceDetailsView(s, id));
/** The expanded row of one goroutine table (a trace's source id, or DUMPS_TABLE). */
export const useExpandedGroup = (table: string): string | null => useApp((s) => s.expandedGroups[table] ?? null);

/** One source's flame view state (the shared default until changed). */
export const useFlameView = (id: SourceId | null | undefined): FlameViewState => useApp((s) => selectFlameView(s, id));
export const useHeatmapView = (id: SourceId | null | undefined): HeatmapViewState => useApp((s) => selectHeatmapView(s, id));

/** Whether a socket source lists sockets (`ss -s` and bare fd listings only count them). */
export function hasSocketLines(s: SourceInfo): boolean {
  const n = s.figures?.sockets;
  // A live capture may have no sockets yet: lines are coming. A capture over time with none keeps
  // its map (an empty map over time is itself the answer).
  if (s.live || typeof n !== 'number' || n > 0) return true;
  return typeof s.figures?.snapshots === 'number' && s.figures.snapshots > 1;
}

/**
 * The capture the heat map shows: the one chosen, else the one with socket lines and the most
 * snapshots (a capture over time says more than a single `lsof` listing), else the first.
 */
export function selectHeatmapSource(st: AppState, captures = st.session.sources.filter((s) => s.kind === 'ss' && s.status === 'ready')): SourceInfo | undefined {
  const chosen = captures.find((s) => s.id === st.heatmapSourceId);
  if (chosen) return chosen;
  const snapshots = (s: SourceInfo) => (typeof s.figures?.snapshots === 'number' ? s.figures.snapshots : 0);
  let best: SourceInfo | undefined;
  for (const s of captures) if (hasSocketLines(s) && (!best || snapshots(s) > snapshots(best))) best = s;
  return best ?? captures[0];
}

/** The source the flame graph shows: the focused one, when ready. */
export const selectFlameSource = (st: AppState): SourceInfo | undefined => st.session.sources.find((s) => s.id === st.focusedSourceId && s.status === 'ready');

export const selectTraceTimelineView = (st: AppState, id: SourceId | null | undefined): TraceTimelineViewState =>
  (id && st.traceTimelineViews[id]) || DEFAULT_TRACE_TIMELINE_VIEW;
export const useTraceTimelineView = (id: SourceId | null | undefined): TraceTimelineViewState => useApp((s) => selectTraceTimelineView(s, id));

/** The trace the trace timeline shows: the one chosen, else the focused trace, else the first ready trace. */
export function selectTraceTimelineSource(st: AppState): SourceInfo | undefined {
  const traces = st.session.sources.filter((s) => s.kind === 'gotrace' && s.status === 'ready');
  return traces.find((s) => s.id === st.traceTimelineSourceId) ?? traces.find((s) => s.id === st.focusedSourceId) ?? traces[0];
}

/**
 * Every source's display name (shared/source-names.ts: equal names get the folder that tells them
 * apart). Use it wherever a source is named, so a name reads the same in every view.
 */
export function useSourceNames(): (s: SourceInfo | SourceId | null | undefined) => string {
  const sources = useApp((s) => s.session.sources);
  return useMemo(() => {
    const names = sourceDisplayNames(sources);
    return (s) => {
      if (!s) return '';
      if (typeof s === 'string') return names.get(s) ?? sources.find((x) => x.id === s)?.name ?? s;
      return names.get(s.id) ?? s.name;
    };
  }, [sources]);
}
