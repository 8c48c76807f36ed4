/** Answers a query of one source: the handler its name maps to (query-types.ts), over the source's model. */
import type { ParsedSource } from '../model/source.ts';
import type { QueryName, QueryResultOf, SourceQueryOf } from './query-types.ts';
import { summarizePprof } from './stacks/pprof-summary.ts';
import { summarizeGoroutineDump } from './dumps/goroutine-summary.ts';
import { summarizeTrace } from './trace/trace-summary.ts';
import { summarizeSockets } from './sockets/ss-summary.ts';
import { goroutineGroups } from './dumps/goroutine-groups.ts';
import { trackOf } from './tracks.ts';
import { goroutineLanes, traceGoroutineGroups } from './trace/trace-goroutine-groups.ts';
import { mergeGoroutineGroups } from './dumps/goroutine-groups-merge.ts';
import { callTreeDiffQuery, callTreeQuery, exportStacks, labelKeysQuery, peekQuery, sourceLinesQuery, stackProfilesOf, topTableQuery } from './stacks/stack-sources.ts';
import { cellSockets, heatmapView } from './sockets/heatmap-view.ts';
import { mergeHostHeatmaps } from './sockets/heatmap-across.ts';
import { mergeWhatChanged, whatChangedPart } from './what-changed.ts';
import { goroutineBreakdown, traceAnnotations } from './trace/trace-annotations.ts';
import { findingFacts } from './findings/facts.ts';
import { diagnose } from './findings/diagnose.ts';
import { shownPprof, shownPprofDiff } from './stacks/shown-pprof.ts';
import { mmuQuery } from './trace/mmu/mmu-query.ts';
import { exportSnapshotStacks, seriesCallTree, seriesTopTable } from './stacks/profile-series.ts';
import { timelineOverview, timelineWindow } from './trace/timeline/timeline-window.ts';
import { timelineSliceDetail } from './trace/timeline/slice-detail.ts';
import { searchGoroutines } from './trace/timeline/search-goroutines.ts';

/** The `inspect --json` figures of a source (without `file`/`kind`, which the caller adds). */
export function summarize(src: ParsedSource): Record<string, unknown> {
  switch (src.kind) {
    case 'pprof':
      return { ...summarizePprof(src) };
    case 'goroutine-dump':
      return { ...summarizeGoroutineDump(src) };
    case 'gotrace':
      return { ...summarizeTrace(src) };
    case 'ss':
      return { ...summarizeSockets(src) };
  }
}

/** A source of one kind, or an error naming what the query needs. */
function needs<K extends ParsedSource['kind']>(src: ParsedSource, kind: K, what: string): Extract<ParsedSource, { kind: K }> {
  if (src.kind !== kind) throw new Error(what);
  return src as Extract<ParsedSource, { kind: K }>;
}

/** One handler per query name (as electron/host/handlers.ts has one per bridge request). */
type QueryHandlers = { [K in QueryName]: (src: ParsedSource, q: SourceQueryOf<K>) => QueryResultOf<K> };

const handlers: QueryHandlers = {
  summary: (src) => ({ type: 'summary', figures: summarize(src) }),
  track: (src, q) => ({ type: 'track', track: trackOf(src, { maxPoints: q.maxPoints, range: q.range }) }),
  traceGoroutineGroups: (src, q) => ({
    type: 'traceGoroutineGroups',
    result: traceGoroutineGroups(needs(src, 'gotrace', 'traceGoroutineGroups needs a trace').model, q.range, { limit: q.limit ?? 300 }),
  }),
  goroutineLanes: (src, q) => ({
    type: 'goroutineLanes',
    lanes: goroutineLanes(needs(src, 'gotrace', 'goroutineLanes needs a trace').model, q.ids.slice(0, 5000), q.range, { resolutionNs: q.resolutionNs }),
  }),
  goroutineGroups: (src, q) => ({
    type: 'goroutineGroups',
    result: goroutineGroups([{ sourceId: q.sourceId ?? '', model: needs(src, 'goroutine-dump', 'goroutineGroups needs a goroutine dump').model }], {
      tagfocus: q.tagfocus,
      tagignore: q.tagignore,
    }),
  }),
  mergeGoroutineGroups: (_src, q) => ({ type: 'goroutineGroups', result: mergeGoroutineGroups(q.parts, q.limit) }),
  stackProfiles: (src) => ({ type: 'stackProfiles', profiles: stackProfilesOf(src) }),
  callTree: callTreeQuery,
  callTreeDiff: callTreeDiffQuery,
  topTable: topTableQuery,
  labelKeys: labelKeysQuery,
  peek: peekQuery,
  sourceLines: sourceLinesQuery,
  shownPprof,
  shownPprofDiff,
  exportStacks: (src, q) => ({ type: 'exportStacks', stacks: exportStacks(src, q.profile, q.range, q) }),
  exportSnapshot: (src, q) => ({ type: 'exportStacks', stacks: exportSnapshotStacks(src, q.profile) }),
  seriesCallTree,
  seriesTopTable,
  heatmap: (src, q) => ({
    type: 'heatmap',
    heatmap: heatmapView(needs(src, 'ss', 'the heat map needs an ss socket capture').model, {
      range: q.range,
      bins: Math.min(Math.max(1, q.bins), 20_000),
      mode: q.mode,
      state: q.state,
      topN: q.topN,
      measure: q.measure,
      total: q.total,
      exits: q.exits,
    }),
  }),
  mergeHeatmaps: (_src, q) => ({ type: 'heatmapAcross', heatmap: mergeHostHeatmaps(q.parts, { scope: q.scope, topN: q.topN, stateRows: q.stateRows }) }),
  socketsInCell: (src, q) => ({ type: 'socketsInCell', cell: cellSockets(needs(src, 'ss', 'socketsInCell needs an ss socket capture').model, q) }),
  whatChangedPart: (src, q) => ({ type: 'whatChangedPart', part: whatChangedPart(src, q.sourceId, q.a, q.b.slice(0, 8)) }),
  mergeWhatChanged: (_src, q) => ({
    type: 'whatChanged',
    result: mergeWhatChanged(q.parts, { limit: q.limit, axisAt: (p) => (p.dump?.atNs ?? 0) + (q.shifts[p.sourceId] ?? 0) }),
  }),
  traceAnnotations: (src, q) => ({
    type: 'traceAnnotations',
    annotations: traceAnnotations(needs(src, 'gotrace', 'traceAnnotations needs a trace').model, q.range, {
      logLimit: Math.min(q.logLimit ?? 200, 5000),
      ...(q.instances ? { instances: q.instances } : {}),
    }),
  }),
  goroutineBreakdown: (src, q) => ({
    type: 'goroutineBreakdown',
    breakdown: goroutineBreakdown(needs(src, 'gotrace', 'goroutineBreakdown needs a trace').model, q.range, {
      groupBy: q.groupBy ?? 'function',
      ...(q.name !== undefined ? { name: q.name } : {}),
      ...(q.limit !== undefined ? { limit: q.limit } : {}),
    }),
  }),
  mmu: (src, q) => ({
    type: 'mmu',
    result: mmuQuery(needs(src, 'gotrace', 'mmu needs a trace').model, {
      flags: q.flags,
      ...(q.range ? { range: q.range } : {}),
      ...(q.worstFor !== undefined ? { worstFor: q.worstFor } : {}),
    }),
  }),
  findingFacts: (src, q) => ({ type: 'findingFacts', facts: findingFacts(src, q.ref) }),
  diagnose: (_src, q) => ({ type: 'diagnose', result: diagnose(q.parts) }),
  timelineOverview: (src) => ({ type: 'timelineOverview', overview: timelineOverview(needs(src, 'gotrace', 'timelineOverview needs a trace').model) }),
  timelineWindow: (src, q) => ({
    type: 'timelineWindow',
    window: timelineWindow(needs(src, 'gotrace', 'timelineWindow needs a trace').model, {
      range: q.range,
      resolutionNs: q.resolutionNs,
      lanes: q.lanes.slice(0, 5000),
      ...(q.colorBy !== undefined ? { colorBy: q.colorBy } : {}),
      ...(q.flowLimit !== undefined ? { flowLimit: Math.min(q.flowLimit, 10_000) } : {}),
    }),
  }),
  timelineSliceDetail: (src, q) => ({
    type: 'timelineSliceDetail',
    detail: timelineSliceDetail(needs(src, 'gotrace', 'timelineSliceDetail needs a trace').model, {
      lane: q.lane,
      t: q.t,
      eventLimit: Math.min(q.eventLimit ?? 50, 5000),
    }),
  }),
  searchGoroutines: (src, q) => ({
    type: 'searchGoroutines',
    matches: searchGoroutines(needs(src, 'gotrace', 'searchGoroutines needs a trace').model, { text: q.text, limit: Math.min(q.limit ?? 50, 1000) }),
  }),
};

/** Whether `name` is a query this engine answers (the bridge and the engine protocol carry strings). */
export function isQueryName(name: unknown): name is QueryName {
  return typeof name === 'string' && Object.hasOwn(handlers, name);
}

/** Answers one query of `src`, typed by its name (QueryMap). */
export function runQuery<K extends QueryName>(src: ParsedSource, q: SourceQueryOf<K>): QueryResultOf<K> {
  if (!isQueryName(q.type)) throw new Error(`unknown query ${JSON.stringify(q.type)}`);
  const handler: QueryHandlers[K] = handlers[q.type];
  return handler(src, q);
}
