/**
 * Queries the UI can ask of one source, and their results. Each is answered by a pure function in
 * shared/query over the source's model, inside the engine worker that holds it.
 */
import type { GoroutineGroupsResult } from './goroutine-groups.ts';
import type { TrackData } from './tracks.ts';
import type { GoroutineLane, TraceGoroutineGroupsResult } from './trace-goroutine-groups.ts';
import type { CallTree, DiffCallTree } from './call-tree.ts';
import type { TopSortKey, TopTable } from './top-table.ts';
import type { ExportedStacks, SourceRange, StackProfileInfo } from './stack-sources.ts';
import type { HeatmapMode } from './socket-heatmap.ts';
import type { CellSockets, HeatmapView } from './heatmap-view.ts';
import type { WcRange, WhatChangedPart, WhatChangedResult } from './what-changed.ts';
import type { GoroutineBreakdownResult, TraceAnnotations } from './trace-annotations.ts';
import type { DiagnoseResult, FindingFacts, SourceRef } from './findings/types.ts';
import type { PlacedFacts } from './findings/context.ts';

/** A call-tree request for the flame graph (regexes as pprof's -focus/-ignore/-hide). */
export interface CallTreeQuery {
  type: 'callTree';
  /** StackProfileInfo.key; the source's default profile when absent. */
  profile?: string;
  /** Source-relative ns; narrows trace-derived profiles. */
  range?: SourceRange;
  inverted?: boolean;
  focus?: string;
  ignore?: string;
  hide?: string;
  search?: string;
  rootPath?: string[];
  minFraction?: number;
  maxNodes?: number;
}

export type SourceQuery =
  | { type: 'summary' }
  /** What the timeline draws for this source (series, span or point), in source time. */
  | { type: 'track'; maxPoints?: number }
  /** A trace's goroutines grouped by wait reason + blocking stack over a range (source-relative ns). */
  | { type: 'traceGoroutineGroups'; range?: SourceRange; limit?: number }
  /** State runs of some goroutines of a trace over a range, for their lanes. */
  | {
      type: 'goroutineLanes';
      ids: number[];
      range?: SourceRange;
      /** ns per pixel: shorter runs are merged (LaneOptions.resolutionNs); exact runs when absent. */
      resolutionNs?: number;
    }
  /** Goroutine groups of one dump (rows keyed by wait reason + stack). */
  | { type: 'goroutineGroups'; sourceId?: string }
  /** Merges per-dump groups (computed in each dump's own engine), in time order. */
  | { type: 'mergeGoroutineGroups'; parts: GoroutineGroupsResult[]; limit?: number }
  /** The stack profiles this source offers (flame graph picker). */
  | { type: 'stackProfiles' }
  | CallTreeQuery
  /** The same call tree as a diff against stacks exported from another source (host-built). */
  | (Omit<CallTreeQuery, 'type'> & { type: 'callTreeDiff'; base: ExportedStacks })
  | {
      type: 'topTable';
      profile?: string;
      range?: SourceRange;
      focus?: string;
      ignore?: string;
      hide?: string;
      sortBy?: TopSortKey;
      reverse?: boolean;
      limit?: number;
    }
  /** A profile reduced to function paths + weights, to diff against in another engine. */
  | { type: 'exportStacks'; profile?: string; range?: SourceRange }
  /** Connection heat map of an ss source: `bins` time bins over `range` (source-relative ns). */
  | { type: 'heatmap'; range?: SourceRange; bins: number; mode: HeatmapMode; state?: string; topN?: number }
  /** The sockets behind one heat-map cell (one snapshot, one row), first `limit` of them. */
  | { type: 'socketsInCell'; snapshot: number; row: string; mode: HeatmapMode; state?: string; rows?: string[]; limit?: number }
  /** This source's part of the "what changed" table: range `a` against the pieces `b` (source-relative ns). */
  | { type: 'whatChangedPart'; sourceId: string; a: WcRange; b: WcRange[] }
  /** Joins parts from several sources (any engine may run it); `shifts`: each source's axis shift (ns). */
  | { type: 'mergeWhatChanged'; parts: WhatChangedPart[]; shifts: Record<string, number>; limit?: number }
  /** A trace's user tasks / regions by type, its logs, and optionally one type's instances (source-relative ns). */
  | { type: 'traceAnnotations'; range?: SourceRange; logLimit?: number; instances?: { kind: 'task' | 'region'; type: string; limit?: number } }
  /** go tool trace's goroutine analysis over a range: time per category by start function (or per goroutine). */
  | { type: 'goroutineBreakdown'; range?: SourceRange; groupBy?: 'function' | 'goroutine'; name?: string; limit?: number }
  /** This source's findings facts (shared/query/findings), computed where its model lives. */
  | { type: 'findingFacts'; ref: SourceRef }
  /** Ranked findings from every source's facts placed on the axis (any engine may run it). */
  | { type: 'diagnose'; parts: PlacedFacts[] };

export type QueryResult =
  | { type: 'summary'; figures: Record<string, unknown> }
  | { type: 'track'; track: TrackData }
  | { type: 'goroutineGroups'; result: GoroutineGroupsResult }
  | { type: 'traceGoroutineGroups'; result: TraceGoroutineGroupsResult }
  | { type: 'goroutineLanes'; lanes: GoroutineLane[] }
  | { type: 'stackProfiles'; profiles: StackProfileInfo[] }
  /** `diff` is set for callTreeDiff (then tree is a DiffCallTree). */
  | { type: 'callTree'; profile: StackProfileInfo; tree: CallTree | DiffCallTree; diff: boolean }
  | { type: 'topTable'; profile: StackProfileInfo; table: TopTable }
  | { type: 'exportStacks'; stacks: ExportedStacks }
  | { type: 'heatmap'; heatmap: HeatmapView }
  | { type: 'socketsInCell'; cell: CellSockets }
  | { type: 'whatChangedPart'; part: WhatChangedPart }
  | { type: 'whatChanged'; result: WhatChangedResult }
  | { type: 'traceAnnotations'; annotations: TraceAnnotations }
  | { type: 'goroutineBreakdown'; breakdown: GoroutineBreakdownResult }
  | { type: 'findingFacts'; facts: FindingFacts | null }
  | { type: 'diagnose'; result: DiagnoseResult };
