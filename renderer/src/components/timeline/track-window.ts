/**
 * Tracks follow the zoom: a source's track is asked at about one point per pixel its span covers at
 * the current zoom (so zooming in brings detail, up to the engine's 20,000-point cap), rounded up to a
 * power of two so that wheel steps between two doublings reuse the answer; and only the points in
 * view are drawn, so a path stays about as long as the lane is wide. Pure.
 */

export const MIN_TRACK_POINTS = 256;
export const MAX_TRACK_POINTS = 16_384;

export function trackResolution(sourceSpanNs: number, viewSpanNs: number, widthPx: number): number {
  if (!(viewSpanNs > 0) || !(widthPx > 0)) return MIN_TRACK_POINTS;
  const px = widthPx * Math.max(sourceSpanNs, 0) / viewSpanNs;
  const p = 2 ** Math.ceil(Math.log2(Math.max(px, 1)));
  return Math.min(MAX_TRACK_POINTS, Math.max(MIN_TRACK_POINTS, p));
}

/** [first, last] indexes of step points (each holding until the next) that overlap [fromNs, toNs]; null when none. */
export function visibleSteps(timeNs: ArrayLike<number>, fromNs: number, toNs: number): [number, number] | null {
  const n = timeNs.length;
  if (n === 0 || timeNs[0]! > toNs) return null;
  // Last point at or before fromNs (it holds into the view), then last point at or before toNs.
  const atOrBefore = (t: number) => {
    let lo = 0;
    let hi = n - 1;
    if (timeNs[0]! > t) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (timeNs[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  return [atOrBefore(fromNs), atOrBefore(toNs)];
}

/** A source's window of time in its own ns. */
export interface NsWindow {
  startNs: number;
  endNs: number;
}

/**
 * What a trace's track is asked for when the view shows part of it (issue 13, "tracks by window";
 * Perfetto's buffered bounds): the view padded by one view-width each side, snapped to a grid of the
 * view span rounded up to a power of two, clipped to the source, at one point per pixel. Pans within
 * the padding and wheel steps within one doubling ask nothing new. Null when the view holds the
 * whole source (its whole track is then as fine as the screen).
 */
export function trackAskWindow(view: NsWindow, source: NsWindow, widthPx: number): { range: NsWindow; maxPoints: number } | null {
  const span = view.endNs - view.startNs;
  const srcSpan = source.endNs - source.startNs;
  if (!(span > 0) || !(widthPx > 0) || span * 2 > srcSpan) return null;
  const q = 2 ** Math.ceil(Math.log2(span));
  const startNs = Math.max(source.startNs, Math.floor((view.startNs - q) / q) * q);
  const endNs = Math.min(source.endNs, Math.ceil((view.endNs + q) / q) * q);
  if (!(endNs > startNs)) return null;
  const maxPoints = Math.min(MAX_TRACK_POINTS, Math.max(MIN_TRACK_POINTS, Math.ceil((widthPx * (endNs - startNs)) / q)));
  return { range: { startNs, endNs }, maxPoints };
}

/** True when a series track's points span [fromNs, toNs] (its last step holds one step's width). */
export function trackCovers(timeNs: ArrayLike<number>, fromNs: number, toNs: number): boolean {
  const n = timeNs.length;
  if (n < 2) return false;
  const last = timeNs[n - 1]! + (timeNs[n - 1]! - timeNs[n - 2]!);
  return timeNs[0]! <= fromNs && last >= toNs;
}
