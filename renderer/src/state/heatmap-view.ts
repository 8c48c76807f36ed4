/**
 * The connection heat map's view state, one per ss source (keyed by source id): row mode, the
 * state the peer/port/process modes count, how many rows, log colour and zoom-to-selection.
 */
import type { HeatmapMode } from '../../../shared/query/socket-heatmap.ts';

export interface HeatmapViewState {
  mode: HeatmapMode;
  /** The TCP state counted in the peer/port/process modes; null: the busiest one; '' any. */
  state: string | null;
  topN: number;
  log: boolean;
  zoom: boolean;
}

export const HEATMAP_MODES: readonly HeatmapMode[] = ['state', 'peer', 'localPort', 'process'];
export const TOP_N_CHOICES: readonly number[] = [5, 10, 20];

export const DEFAULT_HEATMAP_VIEW: HeatmapViewState = Object.freeze({ mode: 'state', state: null, topN: 10, log: false, zoom: false }) as HeatmapViewState;

/** A saved heat-map view back (the session file keeps this shape as is). */
export function loadHeatmapView(raw: unknown): HeatmapViewState {
  const v = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<Record<keyof HeatmapViewState, unknown>>;
  return {
    mode: HEATMAP_MODES.includes(v.mode as HeatmapMode) ? (v.mode as HeatmapMode) : 'state',
    state: typeof v.state === 'string' ? v.state : null,
    topN: typeof v.topN === 'number' && TOP_N_CHOICES.includes(v.topN) ? v.topN : 10,
    log: v.log === true,
    zoom: v.zoom === true,
  };
}
