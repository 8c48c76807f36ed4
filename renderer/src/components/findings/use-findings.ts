/**
 * The findings of every ready source: one host request (each source's engine computes its facts, one
 * ranks them), repeated when sources, their placement or their extent change — so a live capture's
 * findings update as snapshots arrive (debounced).
 */
import { useEffect, useState } from 'react';
import type { SourceInfo } from '../../../../shared/bridge.ts';
import type { DiagnoseResult } from '../../../../shared/query/findings/types.ts';
import { bridge } from '../../bridge-client.ts';

export interface FindingsState {
  result: DiagnoseResult | null;
  /** Each source's axis shift when the result was computed (evidence ranges are in that axis). */
  shifts: Record<string, number>;
  error: string | null;
  loading: boolean;
}

const DEBOUNCE_MS = 400;

export function useFindings(sources: SourceInfo[]): FindingsState {
  const [state, setState] = useState<FindingsState>({ result: null, shifts: {}, error: null, loading: false });
  const usable = sources.filter((s) => s.status === 'ready' && s.axisShiftNs !== undefined);
  const key = JSON.stringify(usable.map((s) => [s.id, s.axisShiftNs, s.axisEndNs, s.sizeBytes]));
  useEffect(() => {
    if (usable.length === 0) {
      setState({ result: null, shifts: {}, error: null, loading: false });
      return;
    }
    let live = true;
    const shifts = Object.fromEntries(usable.map((s) => [s.id, s.axisShiftNs!]));
    setState((s) => ({ ...s, loading: true }));
    const t = setTimeout(() => {
      bridge.request('findings', { ids: usable.map((s) => s.id) }).then(
        (result) => live && setState({ result, shifts, error: null, loading: false }),
        (e: unknown) => live && setState({ result: null, shifts: {}, error: e instanceof Error ? e.message : String(e), loading: false }),
      );
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [key]);
  return state;
}
