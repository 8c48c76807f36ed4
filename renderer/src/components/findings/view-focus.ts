/**
 * "Show" asks a view to focus something inside it (the heat map: a state's sockets by peer). A tiny
 * module store rather than app state: the request must reach a view that mounts only after the
 * source switch it causes, exactly once per request.
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { EvidenceFocus, EvidenceView } from '../../../../shared/query/findings/types.ts';

interface FocusRequest {
  seq: number;
  view: EvidenceView;
  sourceId: string;
  focus: EvidenceFocus;
}

let current: FocusRequest | null = null;
let handled = 0;
const listeners = new Set<() => void>();

export function requestViewFocus(view: EvidenceView, sourceId: string, focus: EvidenceFocus): void {
  current = { seq: (current?.seq ?? 0) + 1, view, sourceId, focus };
  for (const l of listeners) l();
}

/** Calls `apply` once for each new request addressed to this view and source (also when it mounts later). */
export function useViewFocus(view: EvidenceView, sourceId: string, apply: (f: EvidenceFocus) => void): void {
  const req = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
  useEffect(() => {
    if (!req || req.seq <= handled || req.view !== view || req.sourceId !== sourceId) return;
    handled = req.seq;
    apply(req.focus);
  }, [req?.seq, sourceId]);
}
