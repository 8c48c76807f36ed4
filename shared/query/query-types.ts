/**
 * Queries the UI can ask of one source, and their results: one map `name → [arguments, result]`
 * shared by run-query.ts (a handler per name), the bridge's `query` request, the host's session
 * store and the renderer's useSourceQuery. Each is answered by a pure function in shared/query over
 * the source's model, inside the engine worker that holds it.
 *
 * On the wire a query is `{ type: name, ...arguments }` and its result carries the same `type` tag
 * (callTreeDiff answers a 'callTree', the two merges 'goroutineGroups' / 'whatChanged'); callers never
 * narrow on it: the map types each answer.
 */
import type { GoroutineGroupsResult } from './dumps/goroutine-groups.ts';
import type { TrackData } from './tracks.ts';
import type { GoroutineLane, TraceGoroutineGroupsResult } from './trace/trace-goroutine-groups.ts';
import type { CallTree, DiffCallTree } from './stacks/call-tree.ts';
import type { TopSortKey, TopTable } from './stacks/top-table.ts';
import type { PeekResult } from './stacks/peek.ts';
import type { LabelKeySummary } from './stacks/stack-labels.ts';
import type { SourceLinesArgs, SourceLinesResult } from './stacks/source-lines.ts';
import type { ExportedStacks, ShownPprof, ShownPprofArgs, ShownStacksArgs, SourceRange, StackProfileInfo } from './stacks/stack-types.ts';
import type { HeatmapMode } from './sockets/socket-heatmap.ts';
import type { CellSockets, HeatmapView, SocketSort } from './sockets/heatmap-view.ts';
import type { HeatmapAcross, HostHeatmapPart, MergeHeatmapOptions } from './sockets/heatmap-across.ts';
import type { SocketMeasure } from './sockets/socket-series.ts';
import type { WcRange, WhatChangedPart, WhatChangedResult } from './what-changed.ts';
import type { GoroutineBreakdownResult, TraceAnnotations } from './trace/trace-annotations.ts';
import type { MmuFlags, MmuResult } from './trace/timeline/timeline-types.ts';
import type { DiagnoseResult, FindingFacts, SourceRef } from './findings/types.ts';
import type { PlacedFacts } from './findings/context.ts';
import type { SeriesDeltaArgs } from './stacks/profile-series.ts';
import type { GoroutineMatch, LaneRef, SliceDetail, TimelineOverview, TimelineWindow, TimelineWindowArgs } from './trace/timeline/timeline-types.ts';

/** No arguments. */
export type NoArgs = Record<never, never>;

/** A call-tree request for the flame graph (regexes as pprof's -focus/-ignore/-hide). */
export interface CallTreeArgs extends ShownStacksArgs {
  inverted?: boolean;
  search?: string;
  rootPath?: string[];
  minFraction?: number;
  maxNodes?: number;
}

export interface TopTableArgs extends ShownStacksArgs {
  sortBy?: TopSortKey;
  reverse?: boolean;
  limit?: number;
}

/** `diff` is set for callTreeDiff (then tree is a DiffCallTree). */
export interface CallTreeResult {
  type: 'callTree';
  profile: StackProfileInfo;
  tree: CallTree | DiffCallTree;
  diff: boolean;
}

/** query name → [arguments, result]. Source-relative ns everywhere (`range`, `a`, `b`). */
export interface QueryMap {
  /** The `inspect --json` figures. */
  summary: [NoArgs, { type: 'summary'; figures: Record<string, unknown> }];
  /** What the timeline draws for this source (series, span or point), in source time; `range`: the visible window only. */
  track: [{ maxPoints?: number; range?: SourceRange }, { type: 'track'; track: TrackData }];
  /** A trace's goroutines grouped by wait reason + blocking stack over a range. */
  traceGoroutineGroups: [{ range?: SourceRange; limit?: number }, { type: 'traceGoroutineGroups'; result: TraceGoroutineGroupsResult }];
  /** State runs of some goroutines of a trace over a range, for their lanes. */
  goroutineLanes: [
    {
      ids: number[];
      range?: SourceRange;
      /** ns per pixel: shorter runs are merged (LaneOptions.resolutionNs); exact runs when absent. */
      resolutionNs?: number;
    },
    { type: 'goroutineLanes'; lanes: GoroutineLane[] },
  ];
  /** Goroutine groups of one dump (rows keyed by wait reason + stack). */
  goroutineGroups: [{ sourceId?: string; tagfocus?: string; tagignore?: string }, { type: 'goroutineGroups'; result: GoroutineGroupsResult }];
  /** Merges per-dump groups (computed in each dump's own engine), in time order. */
  mergeGoroutineGroups: [{ parts: GoroutineGroupsResult[]; limit?: number }, { type: 'goroutineGroups'; result: GoroutineGroupsResult }];
  /** The stack profiles this source offers (flame graph picker). */
  stackProfiles: [NoArgs, { type: 'stackProfiles'; profiles: StackProfileInfo[] }];
  callTree: [CallTreeArgs, CallTreeResult];
  /** The same call tree as a diff against stacks exported from another source (host-built). */
  callTreeDiff: [CallTreeArgs & { base: ExportedStacks }, CallTreeResult];
  topTable: [TopTableArgs, { type: 'topTable'; profile: StackProfileInfo; table: TopTable }];
  /** A profile's label keys and their heaviest values (pprof -tags). */
  labelKeys: [{ profile?: string; range?: SourceRange }, { type: 'labelKeys'; profile: StackProfileInfo; keys: LabelKeySummary[] }];
  /** Callers and callees of the functions matching `regex` (pprof -peek), under the same filters as topTable. */
  peek: [ShownStacksArgs & { regex: string; limit?: number }, { type: 'peek'; profile: StackProfileInfo; peek: PeekResult }];
  /**
   * Per source line of the functions matching `regex`, flat and cum (pprof -list), with the files
   * they are in; the host reads those files from the user's source roots (electron/host/source-files.ts).
   */
  sourceLines: [SourceLinesArgs, SourceLinesResult];
  /** The shown profile (one profile, range, focus/ignore/hide) as pprof protobuf bytes: "Save as pprof". */
  shownPprof: [ShownPprofArgs, ShownPprof];
  /** The same, of a diff: this profile minus stacks exported from another source (host-built). */
  shownPprofDiff: [ShownPprofArgs & { base: ExportedStacks }, ShownPprof];
  /** A profile reduced to function paths + weights, to diff against in another engine (label options apply to it, as pprof's -diff_base applies them to the base). */
  exportStacks: [{ profile?: string; range?: SourceRange; tagfocus?: string; tagignore?: string; tagroot?: string }, { type: 'exportStacks'; stacks: ExportedStacks }];
  /** A series snapshot's stacks with every frame field, for the engine of a later snapshot (profile-series.ts). */
  exportSnapshot: [{ profile?: string }, { type: 'exportStacks'; stacks: ExportedStacks }];
  /** The flame graph of a series window: this (end) snapshot minus the exported start one (host-built). */
  seriesCallTree: [CallTreeArgs & SeriesDeltaArgs, CallTreeResult];
  /** Its top table: pprof -top -base start end (host-built). */
  seriesTopTable: [TopTableArgs & Omit<SeriesDeltaArgs, 'compare'>, { type: 'topTable'; profile: StackProfileInfo; table: TopTable }];
  /** Connection heat map of an ss source: `bins` time bins over `range`. */
  heatmap: [
    { range?: SourceRange; bins: number; mode: HeatmapMode; state?: string; topN?: number; measure?: SocketMeasure; total?: boolean; exits?: boolean },
    { type: 'heatmap'; heatmap: HeatmapView },
  ];
  /** Joins several hosts' heat maps (each drawn in its own engine) into one (any engine may run it). */
  mergeHeatmaps: [{ parts: HostHeatmapPart[] } & MergeHeatmapOptions, { type: 'heatmapAcross'; heatmap: HeatmapAcross }];
  /** The sockets behind one heat-map cell (one snapshot, one row), first `limit` of them. */
  socketsInCell: [
    { snapshot: number; row: string; mode: HeatmapMode; state?: string; rows?: string[]; limit?: number; sort?: SocketSort; filter?: string },
    { type: 'socketsInCell'; cell: CellSockets },
  ];
  /** This source's part of the "what changed" table: range `a` against the pieces `b`. */
  whatChangedPart: [{ sourceId: string; a: WcRange; b: WcRange[] }, { type: 'whatChangedPart'; part: WhatChangedPart }];
  /** Joins parts from several sources (any engine may run it); `shifts`: each source's axis shift (ns). */
  mergeWhatChanged: [{ parts: WhatChangedPart[]; shifts: Record<string, number>; limit?: number }, { type: 'whatChanged'; result: WhatChangedResult }];
  /** A trace's user tasks / regions by type, its logs, and optionally one type's instances. */
  traceAnnotations: [
    { range?: SourceRange; logLimit?: number; instances?: { kind: 'task' | 'region'; type: string; limit?: number } },
    { type: 'traceAnnotations'; annotations: TraceAnnotations },
  ];
  /** go tool trace's goroutine analysis over a range: time per category by start function (or per goroutine). */
  goroutineBreakdown: [
    { range?: SourceRange; groupBy?: 'function' | 'goroutine'; name?: string; limit?: number },
    { type: 'goroutineBreakdown'; breakdown: GoroutineBreakdownResult },
  ];
  /**
   * Minimum mutator utilization of a trace (Go's /mmu page): the curve at the window sizes Go plots, for
   * the trace or `range`, and the ten worst windows of `worstFor` ns when asked.
   */
  mmu: [{ range?: SourceRange; flags: MmuFlags; worstFor?: number }, { type: 'mmu'; result: MmuResult }];
  /** This source's findings facts (shared/query/findings), computed where its model lives. */
  findingFacts: [{ ref: SourceRef }, { type: 'findingFacts'; facts: FindingFacts | null }];
  /** Ranked findings from every source's facts placed on the axis (any engine may run it). */
  diagnose: [{ parts: PlacedFacts[] }, { type: 'diagnose'; result: DiagnoseResult }];
  /** A trace's timeline lanes (Ps, threads, goroutine count) and extent (shared/query/trace/timeline). */
  timelineOverview: [NoArgs, { type: 'timelineOverview'; overview: TimelineOverview }];
  /** The asked timeline lanes, GC, spans, logs, CPU samples and series in one window, per pixel. */
  timelineWindow: [TimelineWindowArgs, { type: 'timelineWindow'; window: TimelineWindow }];
  /** What a click on the slice of `lane` at time `t` opens (null: nothing there). */
  timelineSliceDetail: [{ lane: LaneRef; t: number; eventLimit?: number }, { type: 'timelineSliceDetail'; detail: SliceDetail | null }];
  /** Goroutines by id (exact, prefix) or start function (substring, case-insensitive), ranked. */
  searchGoroutines: [{ text: string; limit?: number }, { type: 'searchGoroutines'; matches: GoroutineMatch[] }];
}

export type QueryName = keyof QueryMap;
export type QueryArgs<K extends QueryName> = QueryMap[K][0];
export type QueryResultOf<K extends QueryName> = QueryMap[K][1];
/** One query as it crosses the bridge and the engine boundary: its name as `type`, then its arguments. */
export type SourceQueryOf<K extends QueryName> = { type: K } & QueryArgs<K>;

/** Any query (the engine protocol carries these). */
export type SourceQuery = { [K in QueryName]: SourceQueryOf<K> }[QueryName];
/** Any query's result. */
export type QueryResult = QueryResultOf<QueryName>;

/** The flame graph's call-tree query (the bridge's diffCallTree carries one). */
export type CallTreeQuery = SourceQueryOf<'callTree'>;
