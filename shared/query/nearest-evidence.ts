/**
 * Correlation: for a selected range on the session axis, the goroutine dump and the profile closest
 * to it (a dump is a moment; a profile spans its TimeNanos + DurationNanos). Pure over placements.
 */

export interface Placed {
  id: string;
  kind: string;
  axisStartNs: number;
  axisEndNs: number;
}

export interface NearestEvidence {
  id: string;
  /** 0 when it touches the range; else the gap between them (ns). */
  distanceNs: number;
  /** Where it lies relative to the range. */
  relation: 'inside' | 'overlaps' | 'before' | 'after';
}

export interface Range {
  startNs: number;
  endNs: number;
}

export function placeOf(p: Placed, r: Range): NearestEvidence {
  const { axisStartNs: s, axisEndNs: e } = p;
  if (s >= r.startNs && e <= r.endNs) return { id: p.id, distanceNs: 0, relation: 'inside' };
  if (e < r.startNs) return { id: p.id, distanceNs: r.startNs - e, relation: 'before' };
  if (s > r.endNs) return { id: p.id, distanceNs: s - r.endNs, relation: 'after' };
  return { id: p.id, distanceNs: 0, relation: 'overlaps' };
}

/** The closest of `sources` to `r` (ties: the one whose middle is closer to the range's middle). */
export function nearestOf(sources: readonly Placed[], r: Range): NearestEvidence | null {
  const mid = (r.startNs + r.endNs) / 2;
  let best: NearestEvidence | null = null;
  let bestMid = Infinity;
  for (const p of sources) {
    if (!Number.isFinite(p.axisStartNs) || !Number.isFinite(p.axisEndNs)) continue;
    const n = placeOf(p, r);
    const dm = Math.abs((p.axisStartNs + p.axisEndNs) / 2 - mid);
    if (!best || n.distanceNs < best.distanceNs || (n.distanceNs === best.distanceNs && dm < bestMid)) {
      best = n;
      bestMid = dm;
    }
  }
  return best;
}

/** The nearest goroutine dump and the nearest pprof profile to a range. */
export function nearestEvidence(sources: readonly Placed[], r: Range): { dump: NearestEvidence | null; profile: NearestEvidence | null } {
  return {
    dump: nearestOf(sources.filter((s) => s.kind === 'goroutine-dump'), r),
    profile: nearestOf(sources.filter((s) => s.kind === 'pprof'), r),
  };
}
