/**
 * The trace timeline's questions to its trace's engine, in one place: the names and arguments of the
 * timeline queries (shared/query/trace/timeline), each through useSourceQuery (stale answers dropped,
 * bursts debounced, the last answer kept on screen while the next is on its way).
 */
import type { SourceId } from '../../../../shared/bridge.ts';
import type { QueryArgs } from '../../../../shared/query/query-types.ts';
import { useSourceQuery, type QueryOptions } from '../../query/use-source-query.ts';

export type WindowArgs = QueryArgs<'timelineWindow'>;
export type DetailArgs = QueryArgs<'timelineSliceDetail'>;

export const useOverview = (id: SourceId | null | undefined) => useSourceQuery(id, 'timelineOverview', id ? {} : null);

export const useTimelineWindow = (id: SourceId | null | undefined, args: WindowArgs | null, opts: QueryOptions) => useSourceQuery(id, 'timelineWindow', args, opts);

export const useSliceDetail = (id: SourceId | null | undefined, args: DetailArgs | null) => useSourceQuery(id, 'timelineSliceDetail', args);

export const useGoroutineSearch = (id: SourceId | null | undefined, query: string, limit = 20) =>
  useSourceQuery(id, 'searchGoroutines', query.trim() ? { text: query.trim(), limit } : null, { debounceMs: 150 });
