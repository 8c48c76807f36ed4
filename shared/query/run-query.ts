/** Routes a SourceQuery to the pure function that answers it for the source's kind. */
import type { ParsedSource } from '../model/source.ts';
import type { SourceQuery, QueryResult } from './query-types.ts';
import { summarizePprof } from './pprof-summary.ts';
import { summarizeGoroutineDump } from './goroutine-summary.ts';
import { summarizeTrace } from './trace-summary.ts';
import { summarizeSockets } from './ss-summary.ts';
import { goroutineGroups } from './goroutine-groups.ts';
import { trackOf } from './tracks.ts';
import { goroutineLanes, traceGoroutineGroups } from './trace-goroutine-groups.ts';
import { mergeGoroutineGroups } from './goroutine-groups-merge.ts';
import { callTreeDiffQuery, callTreeQuery, exportStacks, stackProfilesOf, topTableQuery } from './stack-sources.ts';
import { cellSockets, heatmapView } from './heatmap-view.ts';
import { mergeWhatChanged, whatChangedPart } from './what-changed.ts';
import { goroutineBreakdown, traceAnnotations } from './trace-annotations.ts';
import { findingFacts } from './findings/facts.ts';
import { diagnose } from './findings/diagnose.ts';

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

export function runQuery(src: ParsedSource, q: SourceQuery): QueryResult {
  switch (q.type) {
    case 'summary':
      return { type: 'summary', figures: summarize(src) };
    case 'track':
      return { type: 'track', track: trackOf(src, { maxPoints: q.maxPoints }) };
    case 'traceGoroutineGroups':
      if (src.kind !== 'gotrace') throw new Error('traceGoroutineGroups needs a trace');
      return { type: 'traceGoroutineGroups', result: traceGoroutineGroups(src.model, q.range, { limit: q.limit ?? 300 }) };
    case 'goroutineLanes':
      if (src.kind !== 'gotrace') throw new Error('goroutineLanes needs a trace');
      return { type: 'goroutineLanes', lanes: goroutineLanes(src.model, q.ids.slice(0, 5000), q.range, { resolutionNs: q.resolutionNs }) };
    case 'goroutineGroups':
      if (src.kind !== 'goroutine-dump') throw new Error('goroutineGroups needs a goroutine dump');
      return { type: 'goroutineGroups', result: goroutineGroups([{ sourceId: q.sourceId ?? '', model: src.model }]) };
    case 'mergeGoroutineGroups':
      return { type: 'goroutineGroups', result: mergeGoroutineGroups(q.parts, q.limit) };
    case 'stackProfiles':
      return { type: 'stackProfiles', profiles: stackProfilesOf(src) };
    case 'callTree':
      return callTreeQuery(src, q);
    case 'callTreeDiff':
      return callTreeDiffQuery(src, q);
    case 'topTable':
      return topTableQuery(src, q);
    case 'exportStacks':
      return { type: 'exportStacks', stacks: exportStacks(src, q.profile, q.range) };
    case 'heatmap':
      if (src.kind !== 'ss') throw new Error('the heat map needs an ss socket capture');
      return {
        type: 'heatmap',
        heatmap: heatmapView(src.model, { range: q.range, bins: Math.min(Math.max(1, q.bins), 20_000), mode: q.mode, state: q.state, topN: q.topN }),
      };
    case 'socketsInCell':
      if (src.kind !== 'ss') throw new Error('socketsInCell needs an ss socket capture');
      return { type: 'socketsInCell', cell: cellSockets(src.model, q) };
    case 'whatChangedPart':
      return { type: 'whatChangedPart', part: whatChangedPart(src, q.sourceId, q.a, q.b.slice(0, 8)) };
    case 'mergeWhatChanged':
      return {
        type: 'whatChanged',
        result: mergeWhatChanged(q.parts, { limit: q.limit, axisAt: (p) => (p.dump?.atNs ?? 0) + (q.shifts[p.sourceId] ?? 0) }),
      };
    case 'traceAnnotations':
      if (src.kind !== 'gotrace') throw new Error('traceAnnotations needs a trace');
      return {
        type: 'traceAnnotations',
        annotations: traceAnnotations(src.model, q.range, { logLimit: Math.min(q.logLimit ?? 200, 5000), ...(q.instances ? { instances: q.instances } : {}) }),
      };
    case 'goroutineBreakdown':
      if (src.kind !== 'gotrace') throw new Error('goroutineBreakdown needs a trace');
      return {
        type: 'goroutineBreakdown',
        breakdown: goroutineBreakdown(src.model, q.range, { groupBy: q.groupBy ?? 'function', ...(q.name !== undefined ? { name: q.name } : {}), ...(q.limit !== undefined ? { limit: q.limit } : {}) }),
      };
    case 'findingFacts':
      return { type: 'findingFacts', facts: findingFacts(src, q.ref) };
    case 'diagnose':
      return { type: 'diagnose', result: diagnose(q.parts) };
  }
}
