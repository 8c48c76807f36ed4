/** Annotations on the session axis: the store keeps wall-clock epoch ns; views draw axis ns. */
import { useMemo } from 'react';
import { create } from 'zustand';
import type { Annotation } from '../../../../shared/bridge.ts';
import { epochAdd, epochDiffNs } from '../../../../shared/model/time.ts';
import { useApp } from '../../store.ts';

export interface AxisAnnotation {
  id: string;
  text: string;
  startNs: number;
  /** Absent for a note pinned to one moment. */
  endNs?: number;
}

/** The notes on the session axis, for any time-based view to draw. */
export function useAnnotationsOnAxis(): AxisAnnotation[] {
  const annotations = useApp((s) => s.annotations);
  const origin = useApp((s) => s.session.originEpochNs);
  return useMemo(
    () =>
      origin
        ? annotations.map((a) => ({
            id: a.id,
            text: a.text,
            startNs: epochDiffNs(a.startEpochNs, origin),
            ...(a.endEpochNs ? { endNs: epochDiffNs(a.endEpochNs, origin) } : {}),
          }))
        : [],
    [annotations, origin],
  );
}

let seq = 0;

export function addAnnotation(text: string, startNs: number, endNs?: number): Annotation | null {
  const st = useApp.getState();
  const origin = st.session.originEpochNs;
  if (!origin || !text.trim()) return null;
  const a: Annotation = {
    id: `n${Date.now().toString(36)}${(++seq).toString(36)}`,
    startEpochNs: epochAdd(origin, startNs),
    ...(endNs !== undefined && endNs > startNs ? { endEpochNs: epochAdd(origin, endNs) } : {}),
    text: text.trim(),
  };
  st.setAnnotations([...st.annotations, a]);
  return a;
}

export function removeAnnotation(id: string): void {
  const st = useApp.getState();
  st.setAnnotations(st.annotations.filter((a) => a.id !== id));
}

/** A note being written: where it will be pinned (axis ns) and where the editor shows. */
export interface NoteDraft {
  startNs: number;
  endNs?: number;
}

export const useNoteDraft = create<{ draft: NoteDraft | null; open(d: NoteDraft | null): void }>((set) => ({
  draft: null,
  open: (draft) => set({ draft }),
}));

/** Right-click on a time-based view: start a note at that moment (or over the selection when inside it). */
export function startNoteAt(axisNs: number): void {
  const sel = useApp.getState().selection;
  useNoteDraft.getState().open(sel && axisNs >= sel.startNs && axisNs <= sel.endNs ? { startNs: sel.startNs, endNs: sel.endNs } : { startNs: axisNs });
}
