/**
 * What a session file keeps of the views: each view's store slice (state per source), by source
 * display name (shared/source-names.ts: equal file names keep their folder, so two `block.pb.gz`
 * keep their own views), since ids are new in a reopened session. Files saved by plain name still
 * restore. Pure over the store's state, both ways.
 *
 * Saved shape per view: `{ scope, state, sources }` — `scope`/`state` the source on screen and its
 * state (the shape older files have, and all they have), `sources` every source's state by name.
 */
import type { SourceId, SourceInfo } from '../../../shared/bridge.ts';
import type { AppState, ViewSlices } from '../store.ts';
import { selectFlameSource, selectFlameView, selectHeatmapSource, selectHeatmapView, selectTraceDetailsView } from '../selectors.ts';
import { loadFlameView, saveFlameView } from '../state/flame-view.ts';
import { loadHeatmapView } from '../state/heatmap-view.ts';
import { DUMPS_TABLE, loadTraceDetailsView } from '../state/table-views.ts';
import { loadTraceTimelineView, saveTraceTimelineView, DEFAULT_TRACE_TIMELINE_VIEW } from '../state/trace-timeline-view.ts';
import { sourceDisplayNames } from '../../../shared/source-names.ts';

export interface SavedView {
  scope: string;
  state: unknown;
  sources?: Record<string, unknown>;
}

export function saveViewSlices(st: AppState): Record<string, SavedView> {
  const names = sourceDisplayNames(st.session.sources);
  const nameOf = (id: SourceId) => names.get(id);
  const out: Record<string, SavedView> = {};
  const flameSrc = selectFlameSource(st);
  const flame = (id: SourceId) => saveFlameView(selectFlameView(st, id), nameOf);
  if (flameSrc && flameSrc.kind !== 'ss') out.flame = { scope: nameOf(flameSrc.id)!, state: flame(flameSrc.id), sources: byName(Object.keys(st.flameViews), nameOf, flame) };
  const hmSrc = selectHeatmapSource(st);
  const heatmap = (id: SourceId) => ({ ...selectHeatmapView(st, id) });
  if (hmSrc) out.heatmap = { scope: nameOf(hmSrc.id)!, state: heatmap(hmSrc.id), sources: byName(Object.keys(st.heatmapViews), nameOf, heatmap) };
  // The goroutines panel: its mode, and the dumps' label filter (applied to all dumps, so not per source).
  if (st.blockingMode || st.dumpsLabelFilter) {
    out.blocking = { scope: '', state: { mode: st.blockingMode, ...(st.dumpsLabelFilter ? { labelFilter: st.dumpsLabelFilter } : {}) } };
  }
  const traceIds = Object.keys(st.traceDetailsViews);
  if (traceIds.length) {
    const trace = (id: SourceId) => ({ ...selectTraceDetailsView(st, id) });
    const first = traceIds.find((id) => nameOf(id) !== undefined);
    if (first) out.trace = { scope: nameOf(first)!, state: trace(first), sources: byName(traceIds, nameOf, trace) };
  }
  // Expanded goroutine-table rows: per trace by name, the dumps table under its own key.
  const expanded: Record<string, string> = {};
  for (const [table, group] of Object.entries(st.expandedGroups)) {
    const key = table === DUMPS_TABLE ? DUMPS_TABLE : nameOf(table);
    if (group !== null && key !== undefined) expanded[key] = group;
  }
  if (Object.keys(expanded).length) out.goroutineTables = { scope: '', state: expanded };
  const ttIds = Object.keys(st.traceTimelineViews);
  if (ttIds.length) {
    const tt = (id: SourceId) => saveTraceTimelineView(st.traceTimelineViews[id] ?? DEFAULT_TRACE_TIMELINE_VIEW);
    const first = [st.traceTimelineSourceId, ...ttIds].find((id) => id && nameOf(id) !== undefined);
    if (first) out.traceTimeline = { scope: nameOf(first)!, state: tt(first), sources: byName(ttIds, nameOf, tt) };
  }
  if (st.collapsedLaneGroups.length) out.timeline = { scope: '', state: { collapsedGroups: st.collapsedLaneGroups } };
  return out;
}

function byName(ids: SourceId[], nameOf: (id: SourceId) => string | undefined, save: (id: SourceId) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const id of ids) {
    const n = nameOf(id);
    if (n !== undefined && !(n in out)) out[n] = save(id);
  }
  return out;
}

/**
 * The ready source a saved name means: its display name first (as saved now), else its plain name
 * (files saved before display names); `not` leaves one source out (a diff base is another source).
 */
export function sourceByName(sources: SourceInfo[]): (name: string, not?: SourceId) => SourceId | undefined {
  const names = sourceDisplayNames(sources);
  const ready = sources.filter((s) => s.status === 'ready');
  return (name, not) =>
    (ready.find((s) => names.get(s.id) === name && s.id !== not) ?? ready.find((s) => s.name === name && s.id !== not))?.id;
}

/** The slices a session file's views give, for the sources now in the session (matched by name). */
export function restoreViewSlices(views: Record<string, unknown>, sources: SourceInfo[]): Partial<ViewSlices> {
  const idOf = sourceByName(sources);
  const out: Partial<ViewSlices> = {};
  const flame = entries(views.flame);
  if (flame.length) {
    out.flameViews = {};
    for (const [name, raw] of flame) {
      const id = idOf(name);
      if (id) out.flameViews[id] = loadFlameView(raw, (n) => idOf(n, id));
    }
  }
  const heatmap = entries(views.heatmap);
  if (heatmap.length) {
    out.heatmapViews = {};
    for (const [name, raw] of heatmap) {
      const id = idOf(name);
      if (id) out.heatmapViews[id] = loadHeatmapView(raw);
    }
    const shown = idOf((views.heatmap as SavedView).scope);
    if (shown) out.heatmapSourceId = shown;
  }
  const trace = entries(views.trace);
  if (trace.length) {
    out.traceDetailsViews = {};
    for (const [name, raw] of trace) {
      const id = idOf(name);
      if (id) out.traceDetailsViews[id] = loadTraceDetailsView(raw);
    }
  }
  const traceTimeline = entries(views.traceTimeline);
  if (traceTimeline.length) {
    out.traceTimelineViews = {};
    for (const [name, raw] of traceTimeline) {
      const id = idOf(name);
      if (id) out.traceTimelineViews[id] = loadTraceTimelineView(raw);
    }
    const shown = idOf((views.traceTimeline as SavedView).scope);
    if (shown) out.traceTimelineSourceId = shown;
  }
  const expanded = (views.goroutineTables as SavedView | undefined)?.state;
  if (expanded && typeof expanded === 'object') {
    out.expandedGroups = {};
    for (const [key, group] of Object.entries(expanded)) {
      const table = key === DUMPS_TABLE ? DUMPS_TABLE : idOf(key);
      if (table && typeof group === 'string') out.expandedGroups[table] = group;
    }
  }
  const mode = (views.blocking as SavedView | undefined)?.state as { mode?: unknown; labelFilter?: unknown } | undefined;
  if (mode?.mode === 'trace' || mode?.mode === 'dumps') out.blockingMode = mode.mode;
  // Bounded as the query's own pattern is (query-schemas.ts): a longer one would be refused there.
  if (typeof mode?.labelFilter === 'string' && mode.labelFilter.length <= 4096) out.dumpsLabelFilter = mode.labelFilter;
  const folded = ((views.timeline as SavedView | undefined)?.state as { collapsedGroups?: unknown } | undefined)?.collapsedGroups;
  if (Array.isArray(folded)) out.collapsedLaneGroups = folded.filter((k): k is string => typeof k === 'string');
  return out;
}

/** [source name, saved state] pairs of one view: every source's, or (older files) the one on screen. */
function entries(v: unknown): [string, unknown][] {
  const s = v as Partial<SavedView> | null | undefined;
  if (!s || typeof s !== 'object' || typeof s.scope !== 'string') return [];
  const all = s.sources && typeof s.sources === 'object' ? Object.entries(s.sources) : [];
  // The source on screen last, so its state wins over a same-named entry.
  return [...all.filter(([n]) => n !== s.scope), [s.scope, s.state]];
}
