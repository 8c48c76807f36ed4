/**
 * "Pick the moment on a lane": while set, the next click on `targetId`'s timeline lane puts the
 * start of `sourceId` at the clicked time (TimelineStrip reads this; OffsetEditor starts it). A tiny
 * store of its own: transient UI state, never saved with the session.
 */
import { create } from 'zustand';
import type { SourceId } from '../../../../shared/bridge.ts';

export interface AlignPick {
  sourceId: SourceId;
  sourceName: string;
  /** The lane to click (any lane when null). */
  targetId: SourceId | null;
  targetName: string | null;
}

export const useAlignPick = create<{ pick: AlignPick | null; start(p: AlignPick): void; clear(): void }>((set) => ({
  pick: null,
  start: (pick) => set({ pick }),
  clear: () => set({ pick: null }),
}));
