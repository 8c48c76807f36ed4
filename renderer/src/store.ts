/**
 * The renderer's state (zustand): the session as the host reports it, and the UI's own state —
 * the selected time range every view follows, the focused source, notices. Components read it
 * through selector hooks; they never parse or aggregate.
 */
import { create } from 'zustand';
import type { Annotation, SessionInfo, SourceId } from '../../shared/bridge.ts';
import { DEFAULT_LAYOUT, presetLayout, type Layout, type PresetId } from './components/layout/layout-model.ts';
import { axisSpan, type AxisSpan } from './time-domains.ts';
import { DEFAULT_FLAME_VIEW, flameTransitions, type FlameFilter, type FilterKind, type FlameLabels, type FlameSide, type FlameViewState } from './state/flame-view.ts';
import { DEFAULT_HEATMAP_VIEW, type HeatmapViewState } from './state/heatmap-view.ts';
import { DEFAULT_TRACE_DETAILS_VIEW, type TraceDetailsViewState } from './state/table-views.ts';
import type { TopSortKey } from '../../shared/query/stacks/top-table.ts';
import { DEFAULT_TRACE_TIMELINE_VIEW, traceTimelineTransitions, type SlicePick, type TraceTimelineViewState } from './state/trace-timeline-view.ts';
import type { SourceSpan } from './time-domains.ts';

/** A range on the session axis, ns relative to SessionInfo.originEpochNs. */
export type TimeRange = AxisSpan;

/** Per-view state, one entry per source the view has shown (keyed by source id). */
export interface ViewSlices {
  flameViews: Record<SourceId, FlameViewState>;
  heatmapViews: Record<SourceId, HeatmapViewState>;
  /** The capture the heat map shows (null: the first one with socket lines). */
  heatmapSourceId: SourceId | null;
  /** What the goroutines panel shows when both kinds are loaded (null: follow the focused source). */
  blockingMode: 'trace' | 'dumps' | null;
  /** pprof's -tagfocus over the dumps' goroutine labels, as applied ('' for none). */
  dumpsLabelFilter: string;
  /** Timeline lane groups (components/timeline/lane-groups.ts keys) folded to their header. */
  collapsedLaneGroups: string[];
  traceDetailsViews: Record<SourceId, TraceDetailsViewState>;
  /** The goroutine tables' expanded row: by trace source id, or DUMPS_TABLE for the dumps table. */
  expandedGroups: Record<string, string | null>;
  /** The trace timeline's state per trace source (state/trace-timeline-view.ts). */
  traceTimelineViews: Record<SourceId, TraceTimelineViewState>;
  /** The trace the trace timeline shows (null: the focused trace, else the first). */
  traceTimelineSourceId: SourceId | null;
}

/** The actions on the view slices: every change a view makes to its state is one of these. */
export interface ViewActions {
  flame: {
    setProfile(id: SourceId, key: string): void;
    setInverted(id: SourceId, inverted: boolean): void;
    setSearch(id: SourceId, search: string): void;
    setDiffBase(id: SourceId, baseId: SourceId | null): void;
    setSort(id: SourceId, sortBy: TopSortKey): void;
    addFilter(id: SourceId, kind: FilterKind, fn: string): void;
    removeFilter(id: SourceId, f: FlameFilter): void;
    toggleFocus(id: SourceId, fn: string): void;
    zoomTo(id: SourceId, rootPath: string[]): void;
    zoomIn(id: SourceId, path: string[]): void;
    zoomOut(id: SourceId): void;
    setLabels(id: SourceId, labels: Partial<FlameLabels>): void;
    showSide(id: SourceId, side: FlameSide, fn?: string | null): void;
  };
  /** Changes one capture's heat-map settings. */
  updateHeatmapView(id: SourceId, change: Partial<HeatmapViewState>): void;
  showHeatmapOf(id: SourceId | null): void;
  setBlockingMode(mode: 'trace' | 'dumps' | null): void;
  setDumpsLabelFilter(filter: string): void;
  toggleLaneGroup(key: string): void;
  updateTraceDetailsView(id: SourceId, change: Partial<TraceDetailsViewState>): void;
  /** Expands `group` in a goroutine table (null: none); the same group again folds it. */
  toggleExpandedGroup(table: string, group: string): void;
  /** Expands `group` in a goroutine table and keeps it open ("Show" from the findings). */
  expandGroup(table: string, group: string): void;
  /**
   * "Show in flame graph" from another view: focus the source and show only `fn`'s stacks (in the
   * profile it names, e.g. a trace's `net`). An action on the flame view's state, not a request.
   */
  showInFlameGraph(sourceId: SourceId, fn: string, profile?: string): void;
  traceTimeline: {
    update(id: SourceId, change: Partial<TraceTimelineViewState>): void;
    pin(id: SourceId, g: number): void;
    unpin(id: SourceId, g: number): void;
    select(id: SourceId, pick: SlicePick | null): void;
    jump(id: SourceId, to: SlicePick, shownWindow: SourceSpan): void;
    goBack(id: SourceId): void;
  };
  showTraceTimelineOf(id: SourceId | null): void;
  /**
   * "Show in trace timeline" from another view: show that trace, give goroutine `g` its lane (scrolled
   * into view) and, with `atNs` (trace clock), open its slice at that moment.
   */
  showInTraceTimeline(sourceId: SourceId, g: number, atNs?: number): void;
  /** The same for every goroutine whose start or blocking function matches `fnPattern` (a finding's group). */
  showFunctionInTraceTimeline(sourceId: SourceId, fnPattern: string): void;
}

export interface Notice {
  id: number;
  file: string;
  reason: string;
}

export interface AppState extends ViewSlices, ViewActions {
  session: SessionInfo;
  /** Selected range shared by every view; null = the whole session. */
  selection: TimeRange | null;
  /** The timeline's visible window (zoom/pan); null = the whole session. */
  viewWindow: TimeRange | null;
  /** Shared time cursor (axis ns) while the pointer is over a time-based view. */
  hoverNs: number | null;
  setViewWindow(r: TimeRange | null): void;
  setHover(ns: number | null): void;
  focusedSourceId: SourceId | null;
  notices: Notice[];
  dragging: boolean;
  setSession(s: SessionInfo): void;
  setSelection(r: TimeRange | null): void;
  focusSource(id: SourceId | null): void;
  notify(file: string, reason: string): void;
  dismiss(id: number): void;
  setDragging(d: boolean): void;
  /** A pinned second range for "what changed" (axis ns); null = compare with the rest of the session. */
  baseline: TimeRange | null;
  setBaseline(r: TimeRange | null): void;
  /** Panel arrangement: plain JSON (the session file saves and restores it as is). */
  layout: Layout;
  setLayout(l: Layout): void;
  applyPreset(id: PresetId): void;
  /** Notes pinned to a time or range (wall-clock epoch ns); every time-based view may draw them. */
  annotations: Annotation[];
  setAnnotations(a: Annotation[]): void;
}

let nextNotice = 1;

export const useApp = create<AppState>((set, get) => ({
  session: { seq: 0, originEpochNs: null, sources: [] },
  selection: null,
  viewWindow: null,
  hoverNs: null,
  setViewWindow: (viewWindow) => set({ viewWindow }),
  setHover: (hoverNs) => set({ hoverNs }),
  focusedSourceId: null,
  notices: [],
  dragging: false,
  setSession: (session) =>
    set((st) => {
      // An older snapshot that arrived late (the getSession reply crossing a pushed event) is dropped.
      if (session.seq <= st.session.seq) return st;
      return {
        session,
        // Keep focus on a source that still exists; otherwise focus the first ready one.
        focusedSourceId:
          st.focusedSourceId && session.sources.some((s) => s.id === st.focusedSourceId) ? st.focusedSourceId : pickInitialFocus(session),
      };
    }),
  setSelection: (selection) => set({ selection }),
  focusSource: (focusedSourceId) => set({ focusedSourceId }),
  notify: (file, reason) => set((st) => ({ notices: [...st.notices.slice(-4), { id: nextNotice++, file, reason }] })),
  dismiss: (id) => set((st) => ({ notices: st.notices.filter((n) => n.id !== id) })),
  setDragging: (dragging) => set({ dragging }),
  baseline: null,
  setBaseline: (baseline) => set({ baseline }),
  layout: DEFAULT_LAYOUT,
  setLayout: (layout) => set({ layout }),
  applyPreset: (id) => set({ layout: presetLayout(id) }),
  annotations: [],
  setAnnotations: (annotations) => set({ annotations }),
  ...viewSlices(set, get),
}));

type Set = (fn: (st: AppState) => Partial<AppState>) => void;

function viewSlices(set: Set, get: () => AppState): ViewSlices & ViewActions {
  const flame =
    <A extends unknown[]>(t: (v: FlameViewState, ...a: A) => FlameViewState) =>
    (id: SourceId, ...a: A) =>
      set((st) => ({ flameViews: { ...st.flameViews, [id]: t(st.flameViews[id] ?? DEFAULT_FLAME_VIEW, ...a) } }));
  const tt =
    <A extends unknown[]>(t: (v: TraceTimelineViewState, ...a: A) => TraceTimelineViewState) =>
    (id: SourceId, ...a: A) =>
      set((st) => ({ traceTimelineViews: { ...st.traceTimelineViews, [id]: t(st.traceTimelineViews[id] ?? DEFAULT_TRACE_TIMELINE_VIEW, ...a) } }));
  return {
    flameViews: {},
    heatmapViews: {},
    heatmapSourceId: null,
    blockingMode: null,
    dumpsLabelFilter: '',
    collapsedLaneGroups: [],
    traceDetailsViews: {},
    expandedGroups: {},
    traceTimelineViews: {},
    traceTimelineSourceId: null,
    flame: {
      setProfile: flame(flameTransitions.setProfile),
      setInverted: flame(flameTransitions.setInverted),
      setSearch: flame(flameTransitions.setSearch),
      setDiffBase: flame(flameTransitions.setDiffBase),
      setSort: flame(flameTransitions.setSort),
      addFilter: flame(flameTransitions.addFilter),
      removeFilter: flame(flameTransitions.removeFilter),
      toggleFocus: flame(flameTransitions.toggleFocus),
      zoomTo: flame(flameTransitions.zoomTo),
      zoomIn: flame(flameTransitions.zoomIn),
      zoomOut: flame(flameTransitions.zoomOut),
      setLabels: flame(flameTransitions.setLabels),
      showSide: flame(flameTransitions.showSide),
    },
    updateHeatmapView: (id, change) =>
      set((st) => ({ heatmapViews: { ...st.heatmapViews, [id]: { ...(st.heatmapViews[id] ?? DEFAULT_HEATMAP_VIEW), ...change } } })),
    showHeatmapOf: (heatmapSourceId) => set(() => ({ heatmapSourceId })),
    setBlockingMode: (blockingMode) => set(() => ({ blockingMode })),
    setDumpsLabelFilter: (dumpsLabelFilter) => set(() => ({ dumpsLabelFilter })),
    updateTraceDetailsView: (id, change) =>
      set((st) => ({ traceDetailsViews: { ...st.traceDetailsViews, [id]: { ...(st.traceDetailsViews[id] ?? DEFAULT_TRACE_DETAILS_VIEW), ...change } } })),
    toggleExpandedGroup: (table, group) =>
      set((st) => ({ expandedGroups: { ...st.expandedGroups, [table]: st.expandedGroups[table] === group ? null : group } })),
    expandGroup: (table, group) => set((st) => ({ expandedGroups: { ...st.expandedGroups, [table]: group } })),
    toggleLaneGroup: (key) =>
      set((st) => ({ collapsedLaneGroups: st.collapsedLaneGroups.includes(key) ? st.collapsedLaneGroups.filter((k) => k !== key) : [...st.collapsedLaneGroups, key] })),
    traceTimeline: {
      update: (id, change) => tt((v) => ({ ...v, ...change }))(id),
      pin: tt(traceTimelineTransitions.pin),
      unpin: tt(traceTimelineTransitions.unpin),
      select: tt(traceTimelineTransitions.select),
      jump: tt(traceTimelineTransitions.jump),
      goBack: tt(traceTimelineTransitions.goBack),
    },
    showTraceTimelineOf: (traceTimelineSourceId) => set(() => ({ traceTimelineSourceId })),
    showInTraceTimeline: (sourceId, g, atNs) => {
      tt((v) => {
        const pinned = traceTimelineTransitions.pin(v, g);
        return atNs === undefined ? pinned : { ...pinned, tab: 'lanes', selected: { lane: { kind: 'goroutine', id: g }, t: atNs } };
      })(sourceId);
      set(() => ({ traceTimelineSourceId: sourceId }));
    },
    showFunctionInTraceTimeline: (sourceId, fnPattern) => {
      tt((v) => ({ ...v, tab: 'lanes', pinQuery: fnPattern }))(sourceId);
      set(() => ({ traceTimelineSourceId: sourceId }));
    },
    showInFlameGraph: (sourceId, fn, profile) => {
      flame(flameTransitions.showFunction)(sourceId, fn, profile);
      if (get().focusedSourceId !== sourceId) set(() => ({ focusedSourceId: sourceId }));
    },
  };
}

/** The session's extent on its axis: [min start, max end] over ready sources, or null. */
export function sessionExtent(s: SessionInfo, opts: { placedOnly?: boolean } = {}): TimeRange | null {
  let start = Infinity;
  let end = -Infinity;
  for (const src of s.sources) {
    if (src.axisStartNs === undefined || src.axisEndNs === undefined) continue;
    if (opts.placedOnly && src.clock?.quality === 'estimated') continue;
    start = Math.min(start, src.axisStartNs);
    end = Math.max(end, src.axisEndNs);
  }
  if (!Number.isFinite(start)) return null;
  if (end - start < 1e6) {
    // Points in time (dumps, lone snapshots) still get a visible span of ±1 s.
    start -= 1e9;
    end += 1e9;
  }
  return axisSpan(start, end);
}

/**
 * The window the timeline opens on: the whole session, unless sources whose time is only estimated
 * (file mtimes) sit far away from the exactly-placed ones — then the exactly-placed span, so the
 * evidence is not squeezed into slivers (the estimated ones stay one "show all" away).
 */
export function defaultViewWindow(s: SessionInfo): TimeRange | null {
  const all = sessionExtent(s);
  const placed = sessionExtent(s, { placedOnly: true });
  if (!all || !placed) return all;
  const allSpan = all.endNs - all.startNs;
  const placedSpan = placed.endNs - placed.startNs;
  if (allSpan <= 3 * placedSpan + 10e9) return all;
  const pad = placedSpan * 0.02;
  return axisSpan(placed.startNs - pad, placed.endNs + pad);
}

/** The source to focus when none is: the richest evidence first (a trace, a capture, a profile, a dump). */
function pickInitialFocus(s: SessionInfo): SourceId | null {
  const ready = s.sources.filter((x) => x.status === 'ready');
  const rank = (x: SessionInfo['sources'][number]) =>
    x.kind === 'gotrace' ? 0 : x.format === 'ss capture' ? 1 : x.kind === 'pprof' ? 2 : x.kind === 'goroutine-dump' ? 3 : 4;
  return ready.sort((a, b) => rank(a) - rank(b))[0]?.id ?? null;
}
