/**
 * The "what changed" table for the selection, against the pinned range or the rest of the session:
 * one host request (each source's engine computes its part, one engine joins them), debounced.
 */
import { useMemo } from 'react';
import type { SourceInfo } from '../../../../shared/bridge.ts';
import { restOf, type WhatChangedResult } from '../../../../shared/query/what-changed.ts';
import type { TimeRange } from '../../store.ts';
import { useBridgeRequest } from '../../query/use-source-query.ts';
import { axisSpan } from '../../time-domains.ts';
import type { ProfileSeriesInfo } from '../../../../shared/query/stacks/profile-series.ts';

export interface WhatChangedState {
  result: WhatChangedResult | null;
  error: string | null;
  loading: boolean;
  /** The baseline actually used (axis ns). */
  baseline: TimeRange[];
}

const DEBOUNCE_MS = 150;

export function useWhatChanged(
  sources: SourceInfo[],
  selection: TimeRange | null,
  pinned: TimeRange | null,
  extent: TimeRange | null,
  series: readonly ProfileSeriesInfo[] = [],
): WhatChangedState {
  // Profiles take part only as snapshots of a series (their movers); a lone profile has no time range.
  const inSeries = new Set(series.flatMap((x) => x.members.map((m) => m.id)));
  const usable = sources.filter((s) => s.status === 'ready' && (s.kind !== 'pprof' || inSeries.has(s.id)) && s.kind !== 'error' && s.axisShiftNs !== undefined);
  // Offsets (alignment) change the answer too: the host reads them, but the question must change.
  const shifts = usable.map((s) => `${s.id}@${s.axisShiftNs}`).join(',');
  const baseline = useMemo(
    () => (selection && extent ? (pinned ? [pinned] : restOf(extent, selection).map((r) => axisSpan(r.startNs, r.endNs))) : []),
    [selection, pinned, extent],
  );
  const arg = selection && extent && usable.length > 0 ? { ids: usable.map((s) => s.id), selection, baseline, limit: 5 } : null;
  const q = useBridgeRequest('whatChangedAcross', arg, { debounceMs: DEBOUNCE_MS, scope: shifts });
  return { result: arg ? q.data : null, error: q.error, loading: q.loading, baseline };
}
