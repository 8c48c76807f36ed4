/**
 * One heat map over several hosts (a fleet collection, or captures of several hosts opened together).
 * Each host's capture lives in its own engine, which draws its own heat map over the same axis range
 * and bin count (`heatmapView`); this joins those parts bin by bin, as mergeWhatChanged joins
 * what-changed parts:
 *
 *  - `sum`:  rows as the host's own map (states, peers, ports, processes), each cell the sum over hosts;
 *  - `rows`: one row per host, each cell that host's total (of one state, or of every socket), so
 *            "which of the 20 hosts has CLOSE-WAIT growing" is one look.
 *
 * A host's cell value is the one its own map shows in that bin (its nearest snapshot, held across its
 * usual interval): hosts sample at their own moments, so a bin of one host may hold no snapshot where
 * another's does, and summing raw bins would saw-tooth. Bins where no host shows a snapshot stay "no data".
 * Pure; parts cross the engine boundary as plain data.
 */
import { OTHER, type SocketMeasure } from './socket-series.ts';
import type { HeatmapView } from './heatmap-view.ts';

export type HostScope = 'sum' | 'rows';

/** One host's map, drawn in its own engine over the shared range (its own clock's ns). */
export interface HostHeatmapPart {
  sourceId: string;
  host: string;
  /** Session-axis ns = source ns + shiftNs. */
  shiftNs: number;
  view: HeatmapView;
}

export interface HeatmapAcross {
  scope: HostScope;
  rows: string[];
  /** Bin edges on the session axis (bins + 1). */
  binEdgesNs: Float64Array;
  measure: SocketMeasure;
  /** rows × bins, row-major. */
  counts: Float64Array;
  max: number;
  hasOther: boolean;
  /** Per bin: the bin itself when some host shows a snapshot there, -1 = no host does. */
  shownBin: Int32Array;
  /** Snapshots (over every host) that fell in each bin. */
  binSnapshots: Uint32Array;
  /** Per bin: hosts showing a snapshot there. */
  hostsInBin: Uint16Array;
  /** The hosts joined, in the order the cells' host indexes use. */
  hosts: { sourceId: string; host: string }[];
  /** rows × bins: the host whose sockets a click lists (the one adding most to the cell), -1 none. */
  cellHost: Int32Array;
  /** rows × bins: that host's snapshot (its own index), -1 none. */
  cellSnapshot: Int32Array;
  /** rows × bins: that snapshot's time on the session axis (NaN none). */
  cellTimeNs: Float64Array;
  /** For `rows`: the row each host is on (-1: folded into OTHER), by host index. */
  hostRow: Int32Array;
}

export interface MergeHeatmapOptions {
  scope: HostScope;
  /** Rows kept before OTHER (hosts for `rows`; peers/ports/processes for `sum`; all states are kept). */
  topN: number;
  /** The row dimension of the parts (`sum`): 'state' keeps every state row in the parts' order. */
  stateRows: boolean;
}

/**
 * Rows each host's engine is asked for: each host ranks its own rows and the join re-ranks over the
 * fleet, so more than are shown.
 */
export const hostRowsAsked = (topN: number | undefined): number => Math.max(50, topN ?? 10);

/**
 * Most cells the host parts of one join may hold (hosts × rows asked × bins): a wide map of 200
 * hosts (4,000 bins, 50 rows each) is 40 M; a crafted request is refused before any engine draws.
 */
export const MAX_HEATMAP_ACROSS_CELLS = 2 ** 26;

/** The value part p shows at (row r, bin b), with its snapshot; null where it shows none. */
function cellOf(p: HostHeatmapPart, r: number, b: number): { v: number; snapshot: number; timeNs: number } | null {
  const v = p.view;
  const bins = v.binSnapshots.length;
  const sb = v.shownBin[b]!;
  if (sb < 0 || r < 0) return null;
  return { v: v.counts[r * bins + sb]!, snapshot: v.cellSnapshot[r * bins + sb]!, timeNs: v.binTimeNs[sb]! + p.shiftNs };
}

export function mergeHostHeatmaps(parts: readonly HostHeatmapPart[], opts: MergeHeatmapOptions): HeatmapAcross {
  if (parts.length === 0) throw new Error('no host heat map to join');
  const bins = parts[0]!.view.binSnapshots.length;
  for (const p of parts) if (p.view.binSnapshots.length !== bins) throw new Error(`host ${p.host}: ${p.view.binSnapshots.length} bins, expected ${bins}`);
  const first = parts[0]!;
  const binEdgesNs = first.view.binEdgesNs.map((e) => e + first.shiftNs);
  const measure = first.view.measure;
  const binSnapshots = new Uint32Array(bins);
  const hostsInBin = new Uint16Array(bins);
  for (const p of parts) {
    for (let b = 0; b < bins; b++) {
      binSnapshots[b]! += p.view.binSnapshots[b]!;
      if (p.view.shownBin[b]! >= 0) hostsInBin[b]!++;
    }
  }
  const shownBin = new Int32Array(bins);
  for (let b = 0; b < bins; b++) shownBin[b] = hostsInBin[b]! > 0 ? b : -1;

  // Source rows: for each output row, the (part, part row) pairs adding up into it.
  const sources: { part: number; row: number }[][] = [];
  const rows: string[] = [];
  let hasOther = false;
  const hostRow = new Int32Array(parts.length).fill(-1);
  const peak = (pairs: { part: number; row: number }[]) => {
    let max = 0;
    for (let b = 0; b < bins; b++) {
      let sum = 0;
      for (const { part, row } of pairs) sum += cellOf(parts[part]!, row, b)?.v ?? 0;
      max = Math.max(max, sum);
    }
    return max;
  };

  if (opts.scope === 'rows') {
    // Each part is one host's single total row (heatmap `total`); hosts rank by their peak, then name.
    const ranked = parts
      .map((p, i) => ({ i, peak: p.view.rows.length > 0 ? peak([{ part: i, row: 0 }]) : 0 }))
      .sort((x, y) => y.peak - x.peak || (parts[x.i]!.host < parts[y.i]!.host ? -1 : parts[x.i]!.host > parts[y.i]!.host ? 1 : 0));
    const keep = ranked.slice(0, Math.max(1, opts.topN));
    for (const { i } of keep) {
      hostRow[i] = rows.length;
      rows.push(parts[i]!.host);
      sources.push(parts[i]!.view.rows.length > 0 ? [{ part: i, row: 0 }] : []);
    }
    const rest = ranked.slice(keep.length);
    if (rest.length > 0) {
      hasOther = true;
      rows.push(OTHER);
      sources.push(rest.filter(({ i }) => parts[i]!.view.rows.length > 0).map(({ i }) => ({ part: i, row: 0 })));
    }
  } else {
    const byLabel = new Map<string, { part: number; row: number }[]>();
    const others: { part: number; row: number }[] = [];
    parts.forEach((p, i) =>
      p.view.rows.forEach((label, r) => {
        if (label === OTHER && p.view.hasOther && r === p.view.rows.length - 1) return void others.push({ part: i, row: r });
        let list = byLabel.get(label);
        if (!list) byLabel.set(label, (list = []));
        list.push({ part: i, row: r });
      }),
    );
    let labels = [...byLabel.keys()];
    if (!opts.stateRows) {
      // Peers / ports / processes: the busiest over the whole fleet first, the rest folded into OTHER.
      const total = new Map(labels.map((l) => [l, peak(byLabel.get(l)!)]));
      labels.sort((a, b) => total.get(b)! - total.get(a)! || (a < b ? -1 : a > b ? 1 : 0));
      for (const l of labels.slice(Math.max(0, opts.topN))) others.push(...byLabel.get(l)!);
      labels = labels.slice(0, Math.max(0, opts.topN));
    }
    for (const l of labels) {
      rows.push(l);
      sources.push(byLabel.get(l)!);
    }
    if (others.length > 0) {
      hasOther = true;
      rows.push(OTHER);
      sources.push(others);
    }
  }

  const n = rows.length * bins;
  const counts = new Float64Array(n);
  const cellHost = new Int32Array(n).fill(-1);
  const cellSnapshot = new Int32Array(n).fill(-1);
  const cellTimeNs = new Float64Array(n).fill(NaN);
  let max = 0;
  sources.forEach((pairs, r) => {
    for (let b = 0; b < bins; b++) {
      let sum = 0;
      let best = -1;
      for (const { part, row } of pairs) {
        const c = cellOf(parts[part]!, row, b);
        if (!c) continue;
        sum += c.v;
        if (best < 0 || c.v > best) {
          best = c.v;
          const at = r * bins + b;
          cellHost[at] = part;
          cellSnapshot[at] = c.snapshot;
          cellTimeNs[at] = c.timeNs;
        }
      }
      counts[r * bins + b] = sum;
      if (sum > max) max = sum;
    }
  });
  return {
    scope: opts.scope,
    rows,
    binEdgesNs,
    measure,
    counts,
    max,
    hasOther,
    shownBin,
    binSnapshots,
    hostsInBin,
    hosts: parts.map((p) => ({ sourceId: p.sourceId, host: p.host })),
    cellHost,
    cellSnapshot,
    cellTimeNs,
    hostRow,
  };
}
