/** The heat-map summary's per-row figures, from a drawn grid. Pure. */
import type { RowStat } from './HeatmapView.tsx';
import type { HeatmapGrid } from './heatmap-draw.ts';

/**
 * first / last / max per row over the bins that show a snapshot, busiest rows first; and the value at
 * `aliveBin` (the last snapshot while any owning process lived, -1 = none) when it differs from the last.
 */
export function rowStats(grid: HeatmapGrid, aliveBin: number): RowStat[] {
  let f = -1;
  let l = -1;
  for (let b = 0; b < grid.bins; b++) {
    if (grid.shownBin[b]! < 0) continue;
    if (f < 0) f = grid.shownBin[b]!;
    l = grid.shownBin[b]!;
  }
  if (f < 0) return [];
  return grid.rows
    .map((row, r) => {
      let max = 0;
      for (let b = 0; b < grid.bins; b++) max = Math.max(max, grid.counts[r * grid.bins + b]!);
      const alive = aliveBin >= 0 && aliveBin < l ? grid.counts[r * grid.bins + aliveBin]! : null;
      return { row, first: grid.counts[r * grid.bins + f]!, last: grid.counts[r * grid.bins + l]!, max, lastAlive: alive };
    })
    .sort((a, b) => b.max - a.max);
}
