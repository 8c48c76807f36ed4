/**
 * The "what changed" table for the selection, against the pinned range or the rest of the session:
 * one host request (each source's engine computes its part, one engine joins them), debounced.
 */
import { useEffect, useState } from 'react';
import type { SourceInfo } from '../../../../shared/bridge.ts';
import { restOf, type WcRange, type WhatChangedResult } from '../../../../shared/query/what-changed.ts';
import { bridge } from '../../bridge-client.ts';
import type { TimeRange } from '../../store.ts';

export interface WhatChangedState {
  result: WhatChangedResult | null;
  error: string | null;
  loading: boolean;
  /** The baseline actually used (axis ns). */
  baseline: TimeRange[];
}

const DEBOUNCE_MS = 150;

export function useWhatChanged(sources: SourceInfo[], selection: TimeRange | null, pinned: TimeRange | null, extent: TimeRange | null): WhatChangedState {
  const [state, setState] = useState<WhatChangedState>({ result: null, error: null, loading: false, baseline: [] });
  const usable = sources.filter((s) => s.status === 'ready' && s.kind !== 'pprof' && s.kind !== 'error' && s.axisShiftNs !== undefined);
  // Every input of the request, so offsets (alignment) and new sources recompute too.
  const key = JSON.stringify([usable.map((s) => [s.id, s.axisShiftNs]), selection, pinned, extent]);
  useEffect(() => {
    if (!selection || !extent || usable.length === 0) {
      setState({ result: null, error: null, loading: false, baseline: [] });
      return;
    }
    const b: WcRange[] = pinned ? [pinned] : restOf(extent, selection);
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    const t = setTimeout(() => {
      bridge.request('whatChangedAcross', { ids: usable.map((s) => s.id), selection, baseline: b, limit: 5 }).then(
        (result) => {
          if (live) setState({ result, error: null, loading: false, baseline: b });
        },
        (e: unknown) => live && setState({ result: null, error: e instanceof Error ? e.message : String(e), loading: false, baseline: b }),
      );
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [key]);
  return state;
}
