/** "Align with…": putting one source's start on another source's start or end. Pure. */
import type { SourceInfo } from '../../../../shared/bridge.ts';

export type AlignPoint = 'start' | 'end';

/** Sources `s` can be aligned with: the other ready ones that have a place on the axis. */
export function alignTargets(s: SourceInfo, sources: readonly SourceInfo[]): SourceInfo[] {
  return sources.filter((o) => o.id !== s.id && o.status === 'ready' && o.axisStartNs !== undefined);
}

/**
 * The offset (for setSourceOffset) that puts `s`'s start on `target`'s start or end. The offset is
 * on top of `s`'s own clock, so the shift needed on the axis is added to the current one.
 */
export function offsetToAlign(s: SourceInfo, target: SourceInfo, point: AlignPoint): number | null {
  if (s.axisStartNs === undefined || target.axisStartNs === undefined) return null;
  const at = point === 'start' ? target.axisStartNs : (target.axisEndNs ?? target.axisStartNs);
  return s.offsetNs + (at - s.axisStartNs);
}
