/**
 * The window query a view asks for (pure): the visible window padded by half its length each side and
 * snapped to a grid, at a resolution rounded down to a power of two ns per pixel, so small pans and
 * zoom steps within a doubling ask nothing new; the last answer is drawn scaled meanwhile.
 */
import type { LaneRef, TimelineWindowArgs } from '../../../../shared/query/trace/timeline/timeline-types.ts';
import { laneKey } from './lane-layout.ts';
import type { Span } from './time-scale.ts';

/** Grid cells per padded window: a pan of less than one cell asks nothing. */
const CELLS = 8;

export function fetchWindow(view: Span, bounds: Span, plotPx: number, lanes: readonly LaneRef[], colorBy: 'goroutine' | 'region', flowLimit: number): TimelineWindowArgs {
  const span = Math.max(1, view.endNs - view.startNs);
  // Finer than or equal to the drawing's ns per pixel: never coarser than what is drawn.
  const resolutionNs = Math.max(1, 2 ** Math.floor(Math.log2(span / Math.max(1, plotPx))));
  const cell = Math.max(resolutionNs, 2 ** Math.ceil(Math.log2((2 * span) / CELLS)));
  const startNs = Math.max(bounds.startNs, Math.floor((view.startNs - span / 2) / cell) * cell);
  const endNs = Math.min(bounds.endNs, Math.ceil((view.endNs + span / 2) / cell) * cell);
  const sorted = [...lanes].sort((a, b) => (laneKey(a) < laneKey(b) ? -1 : 1));
  return { range: { startNs, endNs }, resolutionNs, lanes: sorted, colorBy, flowLimit };
}
