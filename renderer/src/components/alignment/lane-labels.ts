import type { SourceInfo } from '../../../../shared/bridge.ts';
import type { NearestEvidence } from '../../../../shared/query/nearest-evidence.ts';
import { formatDuration } from '../../format.ts';

/** 'estimated' / 'manual' when a source's place on the axis is not known exactly, else null. */
export function laneClockFlag(s: SourceInfo): 'estimated' | 'manual' | null {
  const q = s.clock?.quality;
  return q === 'estimated' || q === 'manual' ? q : null;
}

/** "in the range", "overlaps", "11.0 s after", "2.3 s before". */
export function describeNearest(n: NearestEvidence): string {
  switch (n.relation) {
    case 'inside':
      return 'in the range';
    case 'overlaps':
      return 'overlaps the range';
    case 'before':
      return `${formatDuration(n.distanceNs)} before`;
    case 'after':
      return `${formatDuration(n.distanceNs)} after`;
  }
}
