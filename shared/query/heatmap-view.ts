/**
 * What the heat-map view asks of an ss source: socketHeatmap's bins plus what the view needs to draw
 * them honestly — which bin each bin shows (the nearest snapshot, so 40 snapshots over 300 bins read
 * as a continuous picture, while a real collection gap stays "no snapshot"), the
 * snapshot time behind each bin (tooltips), and a cell's sockets capped to what a table can show.
 */
import type { SocketCaptureModel, SnapshotIndex } from '../model/sockets.ts';
import { socketHeatmap, socketsInCell, type HeatmapOptions, type SocketHeatmap, type SocketView, type HeatmapMode } from './socket-heatmap.ts';

export interface HeatmapView extends SocketHeatmap {
  /**
   * For each bin, the bin whose counts it shows: itself when it holds a snapshot; else the nearest
   * bin with a snapshot when it lies between two snapshots no further apart than `holdFactor` × the
   * median spacing, or within half a spacing of the first/last one (or of a gap's edge);
   * -1 = no snapshot there (shown as such, never as zero).
   */
  shownBin: Int32Array;
  /** Time of the latest snapshot in each bin (source-relative ns), NaN for a bin without one. */
  binTimeNs: Float64Array;
  /** Snapshots in the whole source (the view says "no snapshots" apart from "none in range"). */
  snapshotCount: number;
}

/** Default: a pause longer than 3 usual intervals is a gap in the collection, not a wide column. */
export const HOLD_FACTOR = 3;

export function heatmapView(m: SocketCaptureModel, opts: HeatmapOptions & { holdFactor?: number }): HeatmapView {
  const hm = socketHeatmap(m, opts);
  const bins = hm.binSnapshots.length;
  const binTimeNs = new Float64Array(bins).fill(NaN);
  // The latest snapshot of a bin is the largest index among its cells' snapshots; the cells may not
  // all name it (max over snapshots), so find it from the times directly.
  const t = m.snapshots.timeNs;
  const edges = hm.binEdgesNs;
  for (let s = 0, b = 0; s < m.snapshotCount; s++) {
    const ts = t[s]!;
    if (ts < edges[0]! || ts > edges[bins]!) continue;
    while (b < bins - 1 && ts >= edges[b + 1]!) b++;
    binTimeNs[b] = ts;
  }
  return { ...hm, shownBin: nearestSnapshotBins(hm.binSnapshots, opts.holdFactor ?? HOLD_FACTOR), binTimeNs, snapshotCount: m.snapshotCount };
}

/**
 * Which bin each bin displays (see HeatmapView.shownBin). Nearest rather than "last before": with
 * last-before, the final snapshot of a capture would get a single bin, i.e. vanish at the right edge.
 * Pure over the per-bin snapshot counts, so it is testable without a model.
 */
export function nearestSnapshotBins(binSnapshots: ArrayLike<number>, holdFactor = HOLD_FACTOR): Int32Array {
  const n = binSnapshots.length;
  const out = new Int32Array(n).fill(-1);
  const data: number[] = [];
  for (let i = 0; i < n; i++) if (binSnapshots[i]! > 0) data.push(i);
  if (data.length === 0) return out;
  const gaps: number[] = [];
  for (let i = 1; i < data.length; i++) gaps.push(data[i]! - data[i - 1]!);
  gaps.sort((a, b) => a - b);
  // Median spacing in bins (≥ 1): adjacent data bins never count as a gap.
  const median = gaps.length > 0 ? Math.max(1, gaps[gaps.length >> 1]!) : 1;
  const limit = holdFactor * median;
  // At the edges (first, last, beside a gap) a snapshot reaches half a usual spacing.
  const reach = Math.floor(median / 2);
  for (let k = 0; k < data.length; k++) {
    const b = data[k]!;
    out[b] = b;
    const prev = data[k - 1];
    if (prev === undefined || b - prev > limit) for (let i = b - 1; i >= Math.max(0, b - reach); i--) out[i] = b;
    const next = data[k + 1];
    if (next !== undefined && next - b <= limit) {
      const mid = b + ((next - b) >> 1); // ties go to the earlier snapshot
      for (let i = b + 1; i < next; i++) out[i] = i <= mid ? b : next;
    } else {
      for (let i = b + 1; i <= Math.min(n - 1, b + reach); i++) out[i] = b;
    }
  }
  return out;
}

export interface CellSockets {
  /** All sockets in the cell. */
  total: number;
  /** The first `limit` of them, in capture order. */
  sockets: SocketView[];
  snapshot: SnapshotIndex;
  /** Source-relative time of the snapshot listed. */
  timeNs: number;
}

export interface CellSocketsQuery {
  snapshot: SnapshotIndex;
  row: string;
  mode: HeatmapMode;
  state?: string;
  rows?: readonly string[];
  /** Rows returned (a table shows a page, the count says how many there are); default 500. */
  limit?: number;
}

export function cellSockets(m: SocketCaptureModel, q: CellSocketsQuery): CellSockets {
  const all = socketsInCell(m, { snapshot: q.snapshot, row: q.row, mode: q.mode, state: q.state, rows: q.rows });
  const limit = Math.max(0, Math.floor(q.limit ?? 500));
  return {
    total: all.length,
    sockets: all.slice(0, limit),
    snapshot: q.snapshot,
    timeNs: q.snapshot >= 0 && q.snapshot < m.snapshotCount ? m.snapshots.timeNs[q.snapshot]! : NaN,
  };
}
