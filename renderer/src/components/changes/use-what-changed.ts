/**
 * Fetches every source's part of the "what changed" table (each computed in its own engine) and
 * merges them here with the pure shared/query function: the parts are a few dozen small rows, so
 * joining and ranking them costs less than another round trip to an engine (and needs no host
 * request of its own).
 */
import { useEffect, useState } from 'react';
import type { SourceInfo } from '../../../../shared/bridge.ts';
import { mergeWhatChanged, restOf, type WcRange, type WhatChangedPart, type WhatChangedResult } from '../../../../shared/query/what-changed.ts';
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
      Promise.all(
        usable.map(async (s) => {
          const shift = s.axisShiftNs!;
          const toSrc = (r: WcRange) => ({ startNs: r.startNs - shift, endNs: r.endNs - shift });
          const r = await bridge.request('query', { id: s.id, query: { type: 'whatChangedPart', sourceId: s.id, a: toSrc(selection), b: b.map(toSrc) } });
          if (r.type !== 'whatChangedPart') throw new Error('unexpected result');
          return r.part;
        }),
      ).then(
        (parts: WhatChangedPart[]) => {
          if (!live) return;
          const shiftOf = new Map(usable.map((s) => [s.id, s.axisShiftNs!]));
          const result = mergeWhatChanged(parts, { limit: 5, axisAt: (p) => (p.dump?.atNs ?? 0) + (shiftOf.get(p.sourceId) ?? 0) });
          setState({ result, error: null, loading: false, baseline: b });
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
