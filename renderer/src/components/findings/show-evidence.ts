/** What "Show" does with a piece of evidence, as plain data (pure; the panel applies it to the store). */
import type { Evidence } from '../../../../shared/query/findings/types.ts';
import { axisSpan, type AxisSpan } from '../../time-domains.ts';

/** A point in time (a dump, a profile) gets this much on each side, so the brush is visible. */
export const POINT_PAD_NS = 500e6;

/** The brush for an evidence (findings speak session-axis ns): its range, or a short span around a point. */
export function brushOf(e: Evidence): AxisSpan {
  const { startNs, endNs } = e.range;
  return endNs > startNs ? axisSpan(startNs, endNs) : axisSpan(startNs - POINT_PAD_NS, endNs + POINT_PAD_NS);
}

/**
 * The evidence on today's axis: ranges were computed with the sources' shifts of their request; when a
 * source has moved since (aligned by hand, or an earlier source changed the axis origin), follow it.
 */
export function rebased(e: Evidence, shiftThen: number | undefined, shiftNow: number | undefined): Evidence {
  const d = shiftThen === undefined || shiftNow === undefined ? 0 : shiftNow - shiftThen;
  return d === 0 ? e : { ...e, range: { startNs: e.range.startNs + d, endNs: e.range.endNs + d } };
}

/** The flame graph focus an evidence asks for (a function in one of the source's profiles), or null. */
export function flameFocusOf(e: Evidence): { fn: string; profile?: string } | null {
  if (e.view !== 'flame' || !e.focus?.function) return null;
  return { fn: e.focus.function, ...(e.focus.profile ? { profile: e.focus.profile } : {}) };
}
