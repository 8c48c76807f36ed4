/**
 * The flame graph of a profile series (shared/query/stacks/profile-series.ts): when the focused
 * source is a snapshot of a series and a range is brushed, the panel shows the merged deltas of the
 * intervals the range uses instead of the snapshot's cumulative figures; with a pinned baseline
 * (the same one "what changed" uses), that delta against the baseline's. The host picks the window
 * and says which it used; this hook only asks.
 */
import { useState } from 'react';
import type { SourceId } from '../../../../shared/bridge.ts';
import type { CallTreeArgs, TopTableArgs } from '../../../../shared/query/query-types.ts';
import { seriesWindow, type ProfileSeriesInfo } from '../../../../shared/query/stacks/profile-series.ts';
import { useApp } from '../../store.ts';
import { useBridgeRequest } from '../../query/use-source-query.ts';

/** Baseline rows asked for the delta columns: enough that a cut-short baseline is rare (the columns say so then). */
export const BASE_TOP_ROWS = 20_000;

export interface SeriesDelta {
  series: ProfileSeriesInfo;
  /** Deltas are shown (a range is brushed over the series and the user has not switched them off). */
  active: boolean;
  /** A range is brushed, but it overlaps no interval of the series (the snapshot's own figures show). */
  outside: boolean;
  setFollow(on: boolean): void;
  follow: boolean;
  tree: ReturnType<typeof useBridgeRequest<'seriesCallTree'>>;
  top: ReturnType<typeof useBridgeRequest<'seriesTopTable'>>;
  /** The baseline window's top table (for the delta columns), when a baseline is pinned. */
  baseTop: ReturnType<typeof useBridgeRequest<'seriesTopTable'>>;
  /** The baseline range the delta is compared with (axis ns), when one is pinned. */
  baseline: { startNs: number; endNs: number } | null;
}

/** The series `sourceId` belongs to, if any. */
export function seriesOfSource(series: readonly ProfileSeriesInfo[] | undefined, sourceId: SourceId | undefined): ProfileSeriesInfo | undefined {
  return sourceId ? series?.find((s) => s.members.some((m) => m.id === sourceId)) : undefined;
}

/**
 * The series answers for the panel's own tree and top-table arguments (their `range` is the
 * source's, unused here: a series takes the axis range). Null when the source is in no series.
 */
export function useSeriesDelta(sourceId: SourceId | undefined, treeArgs: CallTreeArgs | null, topArgs: TopTableArgs | null, otherDiff: boolean): SeriesDelta | null {
  const series = seriesOfSource(
    useApp((s) => s.session.profileSeries),
    sourceId,
  );
  const selection = useApp((s) => s.selection);
  const pinned = useApp((s) => s.baseline);
  const [follow, setFollow] = useState(true);
  // A range that overlaps no interval (before the first snapshot, after the last) leaves the snapshot as it is.
  const outside = !!series && !!selection && seriesWindow(series.members.map((m) => m.atNs), selection) === null;
  // A source diff chosen by hand wins: the user asked for that comparison.
  const active = !!series && !!selection && !outside && follow && !otherDiff;
  const range = selection ? { startNs: selection.startNs, endNs: selection.endNs } : null;
  const baseline = active && pinned ? { startNs: pinned.startNs, endNs: pinned.endNs } : null;
  const strip = <T extends { range?: unknown }>(a: T): Omit<T, 'range'> => {
    const { range: _r, ...rest } = a;
    return rest;
  };
  const tree = useBridgeRequest(
    'seriesCallTree',
    active && treeArgs && range ? { seriesId: series.id, range, query: { type: 'callTree', ...strip(treeArgs) }, ...(baseline ? { baseline } : {}) } : null,
    { scope: series?.id },
  );
  const top = useBridgeRequest('seriesTopTable', active && topArgs && range ? { seriesId: series.id, range, query: { type: 'topTable', ...strip(topArgs) } } : null, { scope: series?.id });
  const baseTop = useBridgeRequest(
    'seriesTopTable',
    active && baseline && topArgs ? { seriesId: series.id, range: baseline, query: { type: 'topTable', ...strip(topArgs), limit: BASE_TOP_ROWS } } : null,
    { scope: series?.id },
  );
  if (!series) return null;
  return { series, active, outside, follow, setFollow, tree, top, baseTop, baseline };
}
